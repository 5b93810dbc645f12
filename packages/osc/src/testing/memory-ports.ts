import type { InstructionState } from '@gencaster/domain';
import type { Beacon } from '../osc-messages.ts';
import type {
  InstructionAck,
  InstructionLedger,
  LogSink,
  OscLogEntry,
  RemoteAction,
  RemoteActionRunner,
  StreamPointRegistry,
} from '../ports.ts';

/** A stream point as the in-memory registry keeps it. */
export type MemoryStreamPoint = Beacon & {
  host: string;
  /** null after a BOOTING beacon: the point is not assignable until a ready one. */
  lastLive: Date | null;
  beacons: number;
};

/** A stored instruction of the in-memory ledger. */
export interface MemoryInstruction {
  state: InstructionState;
  returnValue: string;
  history: InstructionState[];
  /** `host:port` of the point it was sent to, when the test said so. */
  point?: string | undefined;
}

const finalStates: readonly InstructionState[] = ['FINISHED', 'SUCCESS', 'FAILURE'];

/**
 * Small real implementations of the OSC ports kept in memory, for tests of this package (the database
 * versions live in the backend). Keys of `points` are `host:port`.
 */
export function createMemoryPorts() {
  const points = new Map<string, MemoryStreamPoint>();
  const instructions = new Map<string, MemoryInstruction>();
  const logs: OscLogEntry[] = [];
  const actions: RemoteAction[] = [];

  const registry: StreamPointRegistry = {
    upsertFromBeacon(beacon) {
      const key = `${beacon.host}:${beacon.langPort}`;
      const previous = points.get(key);
      const beacons = (previous?.beacons ?? 0) + 1;
      const bootId = beacon.bootId ?? previous?.bootId ?? null;
      points.set(key, {
        ...beacon,
        bootId,
        lastLive: beacon.ready ? beacon.receivedAt : null,
        beacons,
      });
      const abandoned: InstructionAck[] = [];
      if (previous?.bootId && beacon.bootId && previous.bootId !== beacon.bootId) {
        for (const [uuid, row] of instructions) {
          if (row.point !== key || (row.state !== 'SENT' && row.state !== 'RECEIVED')) continue;
          row.state = 'FAILURE';
          row.history.push('FAILURE');
          row.returnValue = 'the stream point restarted (new boot id)';
          abandoned.push({ uuid, state: 'FAILURE', returnValue: row.returnValue });
        }
      }
      return Promise.resolve({ abandoned });
    },
  };

  const ledger: InstructionLedger & { create(uuid: string, point?: string): void } = {
    /** `point` (`host:port`) lets a boot id change of that point fail the instruction. */
    create(uuid, point) {
      instructions.set(uuid, {
        state: 'UNACKNOWLEDGED',
        returnValue: '',
        history: ['UNACKNOWLEDGED'],
        point,
      });
    },
    markSent(uuid) {
      const row = instructions.get(uuid);
      if (row && row.state === 'UNACKNOWLEDGED') {
        row.state = 'SENT';
        row.history.push('SENT');
      }
      return Promise.resolve();
    },
    applyAck(uuid, state, returnValue) {
      const row = instructions.get(uuid);
      if (!row) return Promise.resolve('unknown');
      if (
        finalStates.includes(row.state) ||
        row.state === state ||
        state === 'UNACKNOWLEDGED' ||
        state === 'SENT'
      ) {
        return Promise.resolve('stale');
      }
      row.state = state;
      row.history.push(state);
      if (returnValue) row.returnValue = returnValue;
      return Promise.resolve('ok');
    },
  };

  const logSink: LogSink = {
    append(entry) {
      logs.push(entry);
      return Promise.resolve();
    },
  };

  const remoteActions: RemoteActionRunner = {
    run(action) {
      actions.push(action);
      return Promise.resolve();
    },
  };

  return { points, instructions, logs, actions, registry, ledger, logSink, remoteActions };
}

/** Waits until `check` returns a value other than undefined/false, polling every 10 ms up to `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  timeoutMs: number,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
