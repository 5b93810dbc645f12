// In-memory implementations of the engine ports, for tests and benchmarks (and as a reference
// for the backend's real ports). Graph edits are visible on the next node entry.
import type { LogLevel } from '@gencaster/domain';
import type { Dialog } from '../dialog.ts';
import { systemClock } from '../engine/system-clock.ts';
import type {
  Clock,
  EngineCell,
  EngineDoor,
  EngineNode,
  EnginePorts,
  EnginePosition,
  GraphSource,
  InstructionPort,
  VariableStore,
} from '../engine/engine-types.ts';
import type { ScriptSandbox } from '../sandbox/sandbox-types.ts';

/** A mutable graph held in memory. */
export interface MemoryGraph {
  entryNodeUuid: string | null;
  nodes: Map<string, { node: EngineNode; cells: EngineCell[]; outputDoors: EngineDoor[] }>;
}

/** A GraphSource over a {@link MemoryGraph}; copies on read so later edits do not leak into a running node. */
export function createMemoryGraphSource(graph: MemoryGraph): GraphSource {
  return {
    loadGraph: () => Promise.resolve({ uuid: 'graph', entryNodeUuid: graph.entryNodeUuid }),
    loadNode: (uuid) => {
      const entry = graph.nodes.get(uuid);
      return Promise.resolve(entry ? structuredClone(entry) : null);
    },
  };
}

/** An event-driven variable store (waitFor resolves on set, no polling). */
export function createMemoryVariableStore(
  initial: Record<string, string> = {},
): VariableStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  const waiters = new Set<{ key: string; resolve: (value: string) => void }>();
  return {
    values,
    getAll: () => Promise.resolve(Object.fromEntries(values)),
    set: (key, value) => {
      values.set(key, value);
      for (const waiter of [...waiters]) if (waiter.key === key) waiter.resolve(value);
      return Promise.resolve();
    },
    setMany: (entries) => {
      for (const [key, value] of Object.entries(entries)) {
        values.set(key, value);
        for (const waiter of [...waiters]) if (waiter.key === key) waiter.resolve(value);
      }
      return Promise.resolve();
    },
    delete: (key) => {
      values.delete(key);
      return Promise.resolve();
    },
    waitFor: (key, timeoutMs, signal) =>
      new Promise<string>((resolve, reject) => {
        const present = values.get(key);
        if (present !== undefined) return resolve(present);
        const waiter = {
          key,
          resolve: (value: string) => {
            cleanup();
            resolve(value);
          },
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        const onAbort = (): void => {
          cleanup();
          reject(new Error('aborted'));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          signal.removeEventListener('abort', onAbort);
        };
        waiters.add(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** The real clock, for tests that pass a clock factory ({@link systemClock}). */
export function createSystemClock(): Clock {
  return systemClock;
}

/** A clock that moves only when the test says so; see {@link createManualClock}. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, waking each sleeper whose time came, in order, and letting the
   * work it starts run (one macrotask turn) before the next.
   */
  advance(ms: number): Promise<void>;
}

/**
 * A manual clock for time-dependent tests: `now()` starts at `startMs` and `sleep` resolves only
 * when {@link ManualClock.advance} passes its time, so a test of throttles or deadlines takes no
 * real time and does not depend on how busy the machine is.
 */
export function createManualClock(startMs = 0): ManualClock {
  let nowMs = startMs;
  const sleepers = new Set<{ atMs: number; wake: () => void }>();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => nowMs,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const onAbort = () => {
          sleepers.delete(sleeper);
          reject(signal.reason as Error);
        };
        const sleeper = {
          atMs: nowMs + Math.max(0, ms),
          wake: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    async advance(ms) {
      const targetMs = nowMs + ms;
      for (;;) {
        await settle();
        const [next] = [...sleepers]
          .filter((sleeper) => sleeper.atMs <= targetMs)
          .sort((a, b) => a.atMs - b.atMs);
        if (!next) break;
        nowMs = Math.max(nowMs, next.atMs);
        sleepers.delete(next);
        next.wake();
      }
      nowMs = targetMs;
      await settle();
    },
  };
}

/** Records what the engine sent; `fail` makes `run` reject for matching code (FAILURE). */
export function createRecordingInstructions(
  fail: (code: string) => boolean = () => false,
): InstructionPort & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    run: ({ code }) => {
      sent.push(`code:${code}`);
      if (fail(code)) return Promise.reject(new Error(`instruction FAILURE: ${code}`));
      return Promise.resolve({ returnValue: '' });
    },
    playAudio: ({ audioFileUuid, playback, volume }) => {
      sent.push(`audio:${audioFileUuid}:${playback}:${volume}`);
      return Promise.resolve();
    },
    speak: ({ ssml }) => {
      sent.push(`speak:${ssml}`);
      return Promise.resolve();
    },
  };
}

/** Everything an in-memory engine test needs, with recorded logs and dialogs. */
export interface MemoryPorts extends EnginePorts {
  logs: Array<{ level: LogLevel; message: string }>;
  shown: Dialog[];
  instructions: ReturnType<typeof createRecordingInstructions>;
  variables: ReturnType<typeof createMemoryVariableStore>;
  saved: EnginePosition[];
}

/** Options of {@link createMemoryPorts}. */
export interface MemoryPortsOptions {
  graph: MemoryGraph;
  sandbox: ScriptSandbox;
  random?: () => number;
  variables?: Record<string, string>;
  /** Called for each dialog shown (e.g. to answer it by setting a variable). */
  onDialog?: (dialog: Dialog, ports: MemoryPorts) => void;
  failInstruction?: (code: string) => boolean;
  resumeAt?: EnginePosition;
}

/** Builds in-memory ports around a real sandbox. */
export function createMemoryPorts(options: MemoryPortsOptions): MemoryPorts {
  const logs: MemoryPorts['logs'] = [];
  const shown: Dialog[] = [];
  const saved: EnginePosition[] = [];
  const ports: MemoryPorts = {
    graph: createMemoryGraphSource(options.graph),
    instructions: createRecordingInstructions(options.failInstruction),
    variables: createMemoryVariableStore(options.variables),
    dialogs: {
      show: (dialog) => {
        shown.push(dialog);
        options.onDialog?.(dialog, ports);
        return Promise.resolve();
      },
    },
    clock: createSystemClock(),
    logger: { log: ({ level, message }) => logs.push({ level, message }) },
    random: options.random ?? Math.random,
    sandbox: options.sandbox,
    position: {
      load: () => Promise.resolve(options.resumeAt ?? null),
      save: (position) => {
        saved.push(position);
        return Promise.resolve();
      },
    },
    logs,
    shown,
    saved,
  };
  return ports;
}
