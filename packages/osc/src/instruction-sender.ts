import { GencasterError, toGencasterError } from '@gencaster/domain';
import type { AckBus, InstructionAck, InstructionLedger } from './ports.ts';
import type { OscServer } from './osc-server.ts';
import { sclangText } from './osc-values.ts';

/** One instruction for a stream point's sclang (`/instruction [uuid, code, manualFinish]`). */
export interface InstructionRequest {
  /** sclang address of the stream point (StreamPoint.host / .port). */
  host: string;
  port: number;
  /** The StreamInstruction row's uuid (created by the caller, state UNACKNOWLEDGED). */
  uuid: string;
  code: string;
  /** FINISHED comes from the code itself (e.g. syncPlayBuffer at the end of the buffer). */
  manualFinish?: boolean;
  /** Deadline in ms; default from the sender's options. */
  timeoutMs?: number;
}

/** A successfully finished instruction. */
export interface InstructionResult {
  state: 'FINISHED' | 'SUCCESS';
  /** sclang's compile string of the result, e.g. "2". */
  returnValue: string;
}

/** Sends instructions and settles when they finish; see {@link createInstructionSender}. */
export interface InstructionSender {
  /**
   * Resolves on FINISHED; rejects INSTRUCTION_FAILED (FAILURE ack, message = sclang's error text),
   * TIMEOUT (deadline; the instruction is then marked FAILURE) or UNAVAILABLE (send failed).
   */
  send(request: InstructionRequest): Promise<InstructionResult>;
  /** Sends a stream variable as OSC data (`/variable key value`): the value never becomes code. */
  sendVariable(target: { host: string; port: number; key: string; value: string }): Promise<void>;
  /** Number of instructions waiting for their outcome. */
  readonly pending: number;
  /** Stops listening to the ack bus and rejects every pending instruction (UNAVAILABLE). */
  close(): void;
}

/** Options of {@link createInstructionSender}. */
export interface InstructionSenderOptions {
  /** The OSC server whose socket sends (so sclang's acks come back to it). */
  server: Pick<OscServer, 'send'>;
  ledger: InstructionLedger;
  ackBus: AckBus;
  /** Default deadline, ms (default 300 000, the original's wait limit). */
  defaultTimeoutMs?: number;
  /**
   * How often a waiting send re-reads the ledger (`readAck`) in case the ack's bus message was
   * lost (e.g. Redis down between backends); default 2000 ms. Acks normally arrive by the bus.
   */
  ledgerPollMs?: number;
}

interface Waiter {
  resolve(result: InstructionResult): void;
  reject(error: GencasterError): void;
  timer: NodeJS.Timeout;
  poll: NodeJS.Timeout | undefined;
}

/**
 * Creates the instruction sender. Completion is event-driven: the ack (from this process's OSC
 * server, or from another backend through the {@link AckBus}) wakes the waiter directly; nothing
 * polls the database.
 *
 * @example
 * const sender = createInstructionSender({ server, ledger, ackBus });
 * const { returnValue } = await sender.send({ host, port, uuid, code: '1 + 1' }); // "2"
 */
export function createInstructionSender(options: InstructionSenderOptions): InstructionSender {
  const { server, ledger, ackBus } = options;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 300_000;
  const ledgerPollMs = options.ledgerPollMs ?? 2000;
  const waiters = new Map<string, Waiter>();

  function settle(uuid: string): Waiter | undefined {
    const waiter = waiters.get(uuid);
    if (waiter) {
      waiters.delete(uuid);
      clearTimeout(waiter.timer);
      clearInterval(waiter.poll);
    }
    return waiter;
  }

  /** Fallback for a lost bus message: the ledger (database) is the source of truth. */
  function pollLedger(uuid: string): NodeJS.Timeout | undefined {
    const readAck = ledger.readAck?.bind(ledger);
    if (!readAck) return undefined;
    const timer = setInterval(() => {
      readAck(uuid).then(
        (ack) => {
          if (ack) onAck(ack);
        },
        () => undefined, // database briefly unavailable: the next poll or the deadline decides
      );
    }, ledgerPollMs);
    timer.unref();
    return timer;
  }

  function onAck(ack: InstructionAck): void {
    if (ack.state === 'FINISHED' || ack.state === 'SUCCESS') {
      settle(ack.uuid)?.resolve({ state: ack.state, returnValue: ack.returnValue });
    } else if (ack.state === 'FAILURE') {
      settle(ack.uuid)?.reject(
        new GencasterError('INSTRUCTION_FAILED', ack.returnValue || 'instruction failed', {
          details: { uuid: ack.uuid },
        }),
      );
    }
  }
  const unsubscribe = ackBus.subscribe(onAck);

  return {
    async send(request) {
      const { uuid } = request;
      if (waiters.has(uuid))
        throw new GencasterError('CONFLICT', `instruction ${uuid} is already pending`);
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
      const outcome = new Promise<InstructionResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!settle(uuid)) return;
          const error = new GencasterError(
            'TIMEOUT',
            `instruction ${uuid} did not finish within ${timeoutMs} ms`,
            {
              details: { uuid, timeoutMs },
            },
          );
          ledger.applyAck(uuid, 'FAILURE', error.message).then(
            () => reject(error),
            (cause: unknown) =>
              reject(
                new GencasterError('TIMEOUT', error.message, { details: error.details, cause }),
              ),
          );
        }, timeoutMs);
        waiters.set(uuid, { resolve, reject, timer, poll: pollLedger(uuid) });
      });
      try {
        // SENT before the datagram leaves, so that a fast RECEIVED ack finds a legal predecessor
        await ledger.markSent(uuid);
        await server.send(request.host, request.port, '/instruction', [
          uuid,
          sclangText(request.code),
          request.manualFinish ?? false,
        ]);
      } catch (error) {
        const waiter = settle(uuid);
        const normalised = toGencasterError(error, `cannot send instruction ${uuid}`);
        waiter?.reject(normalised);
        void outcome.catch(() => undefined);
        throw normalised;
      }
      return outcome;
    },
    sendVariable({ host, port, key, value }) {
      return server.send(host, port, '/variable', [sclangText(key), sclangText(value)]);
    },
    get pending() {
      return waiters.size;
    },
    close() {
      unsubscribe();
      for (const uuid of [...waiters.keys()]) {
        settle(uuid)?.reject(new GencasterError('UNAVAILABLE', 'instruction sender closed'));
      }
    },
  };
}
