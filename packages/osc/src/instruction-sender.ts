import { GencasterError, toGencasterError } from '@gencaster/domain';
import type { AckBus, InstructionAck, InstructionLedger } from './ports.ts';
import type { OscServer } from './osc-server.ts';
import { sclangText, type OutgoingOscValue } from './osc-values.ts';
import { signatureTrailer } from './message-auth.ts';

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
  /** Default deadline, ms (default {@link defaultInstructionTimeoutMs}). */
  defaultTimeoutMs?: number;
  /**
   * How often a waiting send re-reads the ledger (`readAck`) in case the ack's bus message was
   * lost (e.g. Redis down between backends); default 2000 ms. Acks normally arrive by the bus.
   */
  ledgerPollMs?: number;
  /**
   * Without a RECEIVED ack within this time the datagram is sent again (sclang may have been
   * restarting: an instruction sent then is lost); default 5000 ms. Our SuperCollider class runs an
   * instruction id once, so a re-send never runs code twice.
   */
  receiptTimeoutMs?: number;
  /** Re-sends before the instruction fails as not received (INSTRUCTION_FAILED); default 2. */
  maxResends?: number;
  /**
   * Shared OSC secret: `/instruction` and `/variable` then carry ts, nonce and hmac, which our
   * SuperCollider class verifies (it refuses unsigned ones when it has the secret). Every re-send
   * is signed afresh (sclang refuses a nonce it has seen).
   */
  secret?: string | undefined;
}

/** The deadline of an instruction that names none: 300 000 ms, the original's wait limit. */
export const defaultInstructionTimeoutMs = 300_000;

interface Waiter {
  resolve(result: InstructionResult): void;
  reject(error: GencasterError): void;
  timer: NodeJS.Timeout;
  /** Re-sends the datagram until sclang confirms receipt; cleared on RECEIVED or settle. */
  receipt: NodeJS.Timeout | undefined;
  /** sclang confirmed receipt (RECEIVED or a later state). */
  received: boolean;
}

/**
 * Creates the instruction sender. Completion is event-driven: the ack (from this process's OSC
 * server, or from another backend through the {@link AckBus}) wakes the waiter directly. The only
 * database read is the fallback for lost bus messages: one timer per sender (not per instruction)
 * reads the outcome of all waiting instructions at once (`readAcks`), so its load does not grow
 * with the number of listeners.
 *
 * @example
 * const sender = createInstructionSender({ server, ledger, ackBus });
 * const { returnValue } = await sender.send({ host, port, uuid, code: '1 + 1' }); // "2"
 */
export function createInstructionSender(options: InstructionSenderOptions): InstructionSender {
  const { server, ledger, ackBus } = options;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? defaultInstructionTimeoutMs;
  const ledgerPollMs = options.ledgerPollMs ?? 2000;
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 5000;
  const maxResends = options.maxResends ?? 2;
  const { secret } = options;
  /** The values of a positional message, plus its signature when a secret is configured. */
  function signed(address: string, fields: readonly (string | boolean)[]): OutgoingOscValue[] {
    const wire = fields.map((field) => (typeof field === 'string' ? sclangText(field) : field));
    return secret === undefined ? wire : [...wire, ...signatureTrailer(address, fields, secret)];
  }
  const waiters = new Map<string, Waiter>();
  let poll: NodeJS.Timeout | undefined;
  let polling = false;

  function settle(uuid: string): Waiter | undefined {
    const waiter = waiters.get(uuid);
    if (waiter) {
      waiters.delete(uuid);
      clearTimeout(waiter.timer);
      clearTimeout(waiter.receipt);
    }
    if (waiters.size === 0 && poll) {
      clearInterval(poll);
      poll = undefined;
    }
    return waiter;
  }

  /** One read of the ledger for every waiting instruction (lost bus messages). */
  async function pollLedger(): Promise<void> {
    const uuids = [...waiters.keys()];
    if (uuids.length === 0) return;
    if (ledger.readAcks) {
      for (const ack of await ledger.readAcks(uuids)) onAck(ack);
    } else if (ledger.readAck) {
      for (const uuid of uuids) {
        const ack = await ledger.readAck(uuid);
        if (ack) onAck(ack);
      }
    }
  }

  /** Starts the shared fallback poll when the first instruction waits. */
  function ensurePolling(): void {
    if (poll || (!ledger.readAcks && !ledger.readAck)) return;
    poll = setInterval(() => {
      if (polling) return; // a slow database: never pile reads up
      polling = true;
      // database briefly unavailable: the next poll or the deadline decides
      pollLedger()
        .catch(() => undefined)
        .finally(() => (polling = false));
    }, ledgerPollMs);
    poll.unref();
  }

  function onAck(ack: InstructionAck): void {
    const waiter = waiters.get(ack.uuid);
    if (waiter && ack.state !== 'UNACKNOWLEDGED' && ack.state !== 'SENT') {
      clearTimeout(waiter.receipt); // sclang has it: no more re-sends
      waiter.received = true;
    }
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
        waiters.set(uuid, { resolve, reject, timer, receipt: undefined, received: false });
        ensurePolling();
      });
      // close() or a deadline may settle it while markSent still awaits the database; the caller
      // still gets the rejection from `return outcome`, it is just never reported as unhandled.
      outcome.catch(() => undefined);
      const datagram = () =>
        server.send(
          request.host,
          request.port,
          '/instruction',
          signed('/instruction', [uuid, request.code, request.manualFinish ?? false]),
        );
      const awaitReceipt = (resends: number) => {
        const waiter = waiters.get(uuid);
        if (!waiter || waiter.received) return;
        waiter.receipt = setTimeout(() => {
          if (waiters.get(uuid) !== waiter) return;
          if (resends < maxResends) {
            datagram().catch(() => undefined); // the deadline or the next attempt decides
            awaitReceipt(resends + 1);
            return;
          }
          settle(uuid);
          const error = new GencasterError(
            'INSTRUCTION_FAILED',
            `the stream point did not confirm instruction ${uuid} after ${resends + 1} sends (sclang restarting or unreachable)`,
            { details: { uuid, sends: resends + 1 } },
          );
          ledger.applyAck(uuid, 'FAILURE', error.message).then(
            () => waiter.reject(error),
            () => waiter.reject(error),
          );
        }, receiptTimeoutMs);
        waiter.receipt.unref();
      };
      try {
        // SENT before the datagram leaves, so that a fast RECEIVED ack finds a legal predecessor
        await ledger.markSent(uuid);
        await datagram();
        awaitReceipt(0);
      } catch (error) {
        const waiter = settle(uuid);
        const normalised = toGencasterError(error, `cannot send instruction ${uuid}`);
        waiter?.reject(normalised);
        throw normalised;
      }
      return outcome;
    },
    sendVariable({ host, port, key, value }) {
      return server.send(host, port, '/variable', signed('/variable', [key, value]));
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
