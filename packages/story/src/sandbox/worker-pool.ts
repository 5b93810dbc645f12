// A pool of sandbox worker threads for one language: dispatch, capability calls, deadlines,
// and replacement of workers that stall, crash or grow too large.
import { createLazyAbort, type LazyAbort } from './lazy-abort.ts';
import { createMessageBatcher } from './message-batcher.ts';
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type {
  ScriptCapabilities,
  ScriptFailure,
  ScriptMode,
  ScriptRunResult,
  SyntaxCheckResult,
} from './sandbox-types.ts';
import type { FromWorker, HostMethod, ToWorker } from './worker-protocol.ts';
import { startWorkerThread } from './worker-thread.ts';
import { callBudget } from './call-budget.ts';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  entry: URL;
  size: number;
  /** Pyodide supports a shared interrupt byte; QuickJS interrupts itself inside the worker. */
  interruptible: boolean;
  /**
   * When every worker is busy and the pool may grow: wait for a new worker (cheap to start, best
   * isolation: QuickJS) or use the least-loaded ready one meanwhile (slow to start: Pyodide).
   */
  preferFreshWorker: boolean;
  /** Extra time after a run's CPU deadline before the pool steps in. */
  stallGraceMs: number;
  /** Time after an interrupt before the worker is terminated and replaced. */
  killGraceMs: number;
  startupTimeoutMs: number;
  heapCapBytes: number;
  maxOldGenerationSizeMb: number;
  /** A worker with no run for this long is ended, giving its memory back (default: never). */
  idleRetireMs?: number;
}

/** One run as the pool sees it. */
export interface PoolRunRequest {
  mode: ScriptMode;
  code: string;
  variables: Record<string, string>;
  capabilities: ScriptCapabilities;
  cpuTimeMs: number;
  wallTimeMs: number;
  memoryBytes: number;
  signal?: AbortSignal;
}

interface Pending {
  finish: (result: ScriptRunResult) => void;
  capabilities?: ScriptCapabilities;
  cpuTimeMs: number;
  calls: LazyAbort;
  check?: (result: SyntaxCheckResult) => void;
  /** Host calls made so far, per method (see callBudget). */
  used?: Partial<Record<HostMethod | 'all' | 'busy', number>>;
}

interface Slot {
  worker: Worker;
  /** Batched postMessage to the worker (see message-batcher.ts). */
  post: (message: ToWorker) => void;
  ready: Promise<void>;
  isReady: boolean;
  pending: Map<string, Pending>;
  lastBeat: number;
  /** When the worker last finished (or was given) work; see idleRetireMs. */
  lastUsed: number;
  interrupt: Uint8Array;
  interruptedAt: number | undefined;
  retiring: boolean;
  killedFor: ScriptFailure | undefined;
}

/** A pool of workers for one runtime; see {@link createWorkerPool}. */
export interface WorkerPool {
  run(request: PoolRunRequest): Promise<ScriptRunResult>;
  check(mode: ScriptMode, code: string): Promise<SyntaxCheckResult>;
  warmUp(): Promise<void>;
  /** Workers alive now (started, ready or busy). */
  workers(): number;
  close(): Promise<void>;
}

/** Largest stream variable value a script may write (longer values are dropped and logged). */
export const maxVariableLength = 64 * 1024;

function boundVariables(
  changed: Record<string, string>,
  capabilities: ScriptCapabilities | undefined,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(changed).slice(0, 1000)) {
    if (key.length <= 512 && value.length <= maxVariableLength) kept[key] = value;
    else
      capabilities?.log(
        'error',
        `variable "${key.slice(0, 64)}" not saved: key or value too long (${value.length} chars)`,
      );
  }
  return kept;
}

const failed = (error: ScriptFailure): ScriptRunResult => ({
  ok: false,
  changed: {},
  deleted: [],
  error,
});

/**
 * Creates a pool of at most `size` workers, started lazily. Each worker can interleave many runs
 * (waiting runs cost nothing); new work goes to the least-loaded worker. A worker that stops
 * sending heartbeats past a run's CPU deadline is interrupted, then terminated and replaced; the
 * runs it held fail with `timeout` (or `crashed`/`memory`) and never take the host down.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const slots: Slot[] = [];
  let closed = false;

  const spawn = (): Slot => {
    const interrupt = new SharedArrayBuffer(1);
    const worker = startWorkerThread({
      entry: options.entry,
      boot: { interrupt, heapCapBytes: options.heapCapBytes },
      resourceLimits: {
        maxOldGenerationSizeMb: options.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: 32,
        stackSizeMb: 4,
      },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let markReady = (): void => undefined;
    let markFailed = (_error: Error): void => undefined;
    const slot: Slot = {
      worker,
      post: createMessageBatcher<ToWorker>((batch) => worker.postMessage(batch)),
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        markFailed = reject;
      }),
      isReady: false,
      pending: new Map(),
      lastBeat: Date.now(),
      lastUsed: Date.now(),
      interrupt: new Uint8Array(interrupt),
      interruptedAt: undefined,
      retiring: false,
      killedFor: undefined,
    };
    slot.ready.catch(() => undefined);
    const startup = setTimeout(
      () => markFailed(new Error('sandbox worker did not start in time')),
      options.startupTimeoutMs,
    );
    worker.on('message', (batch: FromWorker[]) => {
      for (const message of batch) onMessage(message);
    });
    const onMessage = (message: FromWorker): void => {
      // A loop that floods calls (print spam) is still a stalled worker: calls are not a heartbeat.
      if (message.kind !== 'call') slot.lastBeat = Date.now();
      switch (message.kind) {
        case 'ready':
          clearTimeout(startup);
          slot.isReady = true;
          markReady();
          return;
        case 'beat':
          if (message.heapBytes > options.heapCapBytes) slot.retiring = true;
          if (slot.retiring && slot.pending.size === 0) void retire(slot);
          return;
        case 'call':
          handleCall(slot, message.runId, message.callId, message.method, message.args);
          return;
        case 'done': {
          slot.lastUsed = Date.now();
          const run = slot.pending.get(message.runId);
          slot.pending.delete(message.runId);
          run?.calls.abort();
          slot.interruptedAt = undefined;
          slot.interrupt[0] = 0;
          const { ok, value, deleted, error } = message;
          const changed = boundVariables(message.changed, run?.capabilities);
          run?.finish(
            error ? { ok, value, changed, deleted, error } : { ok, value, changed, deleted },
          );
          if (slot.retiring && slot.pending.size === 0) void retire(slot);
          return;
        }
        case 'checked':
          slot.pending.get(message.runId)?.check?.(message.result);
          slot.pending.delete(message.runId);
          return;
      }
    };
    const onGone = (reason: string): void => {
      clearTimeout(startup);
      markFailed(new Error(reason));
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      const error: ScriptFailure = slot.killedFor ?? {
        kind: 'crashed',
        message: `sandbox worker stopped: ${reason}`,
      };
      for (const run of slot.pending.values()) {
        run.calls.abort();
        run.check?.({ ok: false, line: 1, column: 1, message: error.message });
        run.finish(failed(error));
      }
      slot.pending.clear();
    };
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
        slot.killedFor ??= { kind: 'memory', message: 'script ran out of memory' };
      onGone(error.message);
    });
    worker.on('exit', (code) => onGone(`exit code ${code}`));
    slots.push(slot);
    return slot;
  };

  const retire = async (slot: Slot): Promise<void> => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    await slot.worker.terminate();
  };

  const send = (slot: Slot, message: ToWorker): void => slot.post(message);

  const handleCall = (
    slot: Slot,
    runId: string,
    callId: number,
    method: HostMethod,
    args: unknown[],
  ): void => {
    const run = slot.pending.get(runId);
    const reply = (ok: boolean, value?: unknown, error?: string): void => {
      if (slot.pending.has(runId)) send(slot, { kind: 'reply', runId, callId, ok, value, error });
    };
    if (!run?.capabilities) return;
    const caps = run.capabilities;
    const used = (run.used ??= {});
    used.all = (used.all ?? 0) + 1;
    used[method] = (used[method] ?? 0) + 1;
    if (method === 'log' && used.log === callBudget.log + 1)
      caps.log(
        'warning',
        `more than ${callBudget.log} log lines; the rest of this run's lines are dropped`,
      );
    const limit = method === 'log' || method === 'emitDialog' ? callBudget[method] : callBudget.all;
    if ((used[method] ?? 0) > limit || used.all > callBudget.all) {
      reply(false, undefined, `script exceeded its budget of ${limit} ${method} calls`);
      return;
    }
    const signal = run.calls.signal;
    const seconds = (value: unknown, fallback: number): number =>
      Math.max(
        0,
        Math.min(typeof value === 'number' && Number.isFinite(value) ? value : fallback, 86_400),
      ) * 1000;
    const call = async (): Promise<unknown> => {
      switch (method) {
        case 'waitForVariable':
          return caps.waitForVariable(String(args[0]), seconds(args[1], 100), signal);
        case 'sleep':
          return caps.sleep(seconds(args[0], 0), signal);
        case 'getVariables':
          return caps.getVariables();
        case 'log': {
          const level = args[0];
          caps.log(
            level === 'debug' || level === 'warning' || level === 'error' ? level : 'info',
            String(args[1]).slice(0, 10_000),
          );
          return undefined;
        }
        case 'emitDialog':
          return caps.emitDialog(args[0]);
      }
    };
    const started = Date.now();
    call().then(
      (value) => {
        // A call that came back at once (sleep(0), a variable that is already set) is busy work.
        if (method !== 'log' && Date.now() - started < 10) used.busy = (used.busy ?? 0) + 1;
        if ((used.busy ?? 0) > callBudget.busyResumptions) {
          reply(false, undefined, 'script keeps calling without waiting (endless await loop?)');
        } else reply(true, value ?? null);
      },
      (error: unknown) =>
        reply(false, undefined, error instanceof Error ? error.message : String(error)),
    );
  };

  const pick = async (): Promise<Slot> => {
    if (closed) throw new Error('sandbox is closed');
    const live = slots.filter((slot) => !slot.retiring);
    const least = live.sort((a, b) => a.pending.size - b.pending.size)[0];
    if (!least || (least.pending.size > 0 && live.length < options.size)) {
      const fresh = spawn();
      const ready = live
        .filter((slot) => slot.isReady)
        .sort((a, b) => a.pending.size - b.pending.size)[0];
      if (ready && options.preferFreshWorker) return fresh.ready.then(() => fresh);
      if (ready) return ready;
      await fresh.ready;
      return fresh;
    }
    await least.ready;
    least.lastUsed = Date.now();
    return least;
  };

  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const slot of [...slots]) {
      if (slot.pending.size > 0) slot.lastUsed = now;
      else if (slot.isReady && now - slot.lastUsed > (options.idleRetireMs ?? Infinity))
        void retire(slot);
      if (!slot.isReady || slot.pending.size === 0) continue;
      const cpu = Math.max(...[...slot.pending.values()].map((run) => run.cpuTimeMs));
      const silent = now - slot.lastBeat;
      if (silent <= cpu + options.stallGraceMs) continue;
      if (options.interruptible && slot.interruptedAt === undefined) {
        slot.interruptedAt = now;
        slot.interrupt[0] = 2;
      } else if (
        options.interruptible &&
        now - (slot.interruptedAt ?? now) <= options.killGraceMs
      ) {
        // A stop can meet a `finally` that runs on: interrupt again (once the last one was taken)
        // while the worker stays silent, until the grace is over.
        if (slot.interrupt[0] === 0 && slot.lastBeat < (slot.interruptedAt ?? now))
          slot.interrupt[0] = 2;
      } else if (
        !options.interruptible ||
        now - (slot.interruptedAt ?? now) > options.killGraceMs
      ) {
        slot.killedFor = {
          kind: 'timeout',
          message: `script exceeded its CPU time of ${cpu} ms; sandbox worker replaced`,
        };
        void retire(slot);
      }
    }
  }, 50);
  watchdog.unref();

  return {
    async run(request) {
      let slot: Slot;
      try {
        slot = await pick();
      } catch (error) {
        return failed({
          kind: 'crashed',
          message: error instanceof Error ? error.message : String(error),
        });
      }
      const runId = randomUUID();
      return new Promise<ScriptRunResult>((resolve) => {
        const calls = createLazyAbort();
        const onAbort = (): void => send(slot, { kind: 'cancel', runId });
        const wall = setTimeout(() => {
          request.capabilities.log(
            'error',
            `script exceeded its wall time of ${request.wallTimeMs} ms`,
          );
          onAbort();
        }, request.wallTimeMs);
        request.signal?.addEventListener('abort', onAbort, { once: true });
        slot.pending.set(runId, {
          capabilities: request.capabilities,
          cpuTimeMs: request.cpuTimeMs,
          calls,
          finish: (result) => {
            clearTimeout(wall);
            request.signal?.removeEventListener('abort', onAbort);
            resolve(result);
          },
        });
        slot.lastBeat = Date.now();
        const { mode, code, variables, cpuTimeMs, memoryBytes } = request;
        send(slot, { kind: 'run', runId, mode, code, variables, cpuTimeMs, memoryBytes });
        if (request.signal?.aborted) onAbort();
      });
    },
    async check(mode, code) {
      const slot = await pick();
      const runId = randomUUID();
      return new Promise<SyntaxCheckResult>((resolve) => {
        slot.pending.set(runId, {
          cpuTimeMs: 5000,
          calls: createLazyAbort(),
          check: resolve,
          finish: () => undefined,
        });
        send(slot, { kind: 'check', runId, mode, code });
      });
    },
    workers: () => slots.length,
    async warmUp() {
      while (slots.length < options.size) spawn();
      await Promise.all(slots.map((slot) => slot.ready));
    },
    async close() {
      closed = true;
      clearInterval(watchdog);
      await Promise.all([...slots].map((slot) => retire(slot)));
    },
  };
}
