// Worker-thread entry for JavaScript runs: one QuickJS runtime per run (own memory limit and
// interrupt deadline), native QuickJS promises for awaiting host capabilities, so many runs can
// wait at once in one worker without asyncify's one-suspension limit.
import { parentPort, workerData } from 'node:worker_threads';
import {
  getQuickJS,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSRuntime,
} from 'quickjs-emscripten';
import { jsPrelude, wrapJs } from './js-prelude.ts';
import { jsErrorPosition } from './js-error-position.ts';
import type { FromWorker, ToWorker, WorkerBoot } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('quickjs-worker must run in a worker thread');
const boot = workerData as WorkerBoot;
const quickjs = await getQuickJS();
const post = (message: FromWorker): void => port.postMessage(message);

interface Run {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  usedMs: number;
  sliceStart: number | undefined;
  cpuTimeMs: number;
  timedOut: boolean;
  memoryBytes: number;
  heapAtSlice: number;
  memoryExceeded: boolean;
  finished: boolean;
  deferreds: Map<number, QuickJSDeferredPromise>;
}

const runs = new Map<string, Run>();
let nextCallId = 1;
let tainted = false;
const heapBytes = (): number => quickjs.getWasmMemory().buffer.byteLength;

/** Executes `fn` as one CPU slice of `run`, accounting its time for the interrupt handler. */
function slice<T>(run: Run, fn: () => T): T {
  run.sliceStart = Date.now();
  run.heapAtSlice = heapBytes();
  try {
    return fn();
  } finally {
    run.usedMs += Date.now() - run.sliceStart;
    run.sliceStart = undefined;
  }
}

function pump(run: Run): void {
  if (run.finished) return;
  const result = slice(run, () => run.runtime.executePendingJobs());
  if (result.error) {
    const error: unknown = run.context.dump(result.error);
    result.error.dispose();
    finish(run, '', { kind: failureKind(run), message: describe(run, error) });
  }
}

function failureKind(run: Run): 'memory' | 'timeout' | 'script' {
  return run.memoryExceeded ? 'memory' : run.timedOut ? 'timeout' : 'script';
}

function describe(run: Run, error: unknown): string {
  if (run.memoryExceeded)
    return `script exceeded its memory limit of ${Math.round(run.memoryBytes / 1048576)} MiB`;
  if (run.timedOut) return `script exceeded its CPU time of ${run.cpuTimeMs} ms`;
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: string;
    message?: string;
  };
  return record.message ? `${record.name ?? 'Error'}: ${record.message}` : String(error);
}

function finish(
  run: Run,
  runId: string,
  failure?: { kind: 'timeout' | 'script' | 'memory' | 'cancelled'; message: string },
): void {
  if (run.finished) return;
  run.finished = true;
  const id = runId || [...runs.entries()].find(([, value]) => value === run)?.[0] || '';
  runs.delete(id);
  if (failure) {
    const kind = /out of memory/i.test(failure.message) ? 'memory' : failure.kind;
    post({
      kind: 'done',
      runId: id,
      ok: false,
      changed: {},
      deleted: [],
      error: { kind, message: failure.message },
    });
  }
  dispose(run);
}

function dispose(run: Run): void {
  try {
    for (const deferred of run.deferreds.values()) if (deferred.alive) deferred.dispose();
    run.context.dispose();
    run.runtime.dispose();
  } catch {
    // A runtime that hit its memory limit or an interrupt can fail to free cleanly; this worker
    // then asks to be replaced once its other runs are done.
    tainted = true;
  }
}

function start(message: Extract<ToWorker, { kind: 'run' }>): void {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(message.memoryBytes);
  runtime.setMaxStackSize(512 * 1024);
  const context = runtime.newContext();
  const run: Run = {
    runtime,
    context,
    usedMs: 0,
    sliceStart: undefined,
    cpuTimeMs: message.cpuTimeMs,
    timedOut: false,
    memoryBytes: message.memoryBytes,
    heapAtSlice: heapBytes(),
    memoryExceeded: false,
    finished: false,
    deferreds: new Map(),
  };
  runs.set(message.runId, run);
  // QuickJS does not count ArrayBuffer data against setMemoryLimit, so the handler also stops a
  // slice that grows the worker's WASM heap by more than the run's memory limit.
  runtime.setInterruptHandler(() => {
    if (run.sliceStart !== undefined && run.usedMs + Date.now() - run.sliceStart > run.cpuTimeMs)
      run.timedOut = true;
    if (heapBytes() - run.heapAtSlice > run.memoryBytes) run.memoryExceeded = tainted = true;
    return run.timedOut || run.memoryExceeded;
  });
  const bridge = context.newFunction('__host', (methodHandle, argsHandle) => {
    const method = context.getString(methodHandle) as Extract<
      FromWorker,
      { kind: 'call' }
    >['method'];
    const args = JSON.parse(context.getString(argsHandle)) as unknown[];
    const callId = nextCallId++;
    const deferred = context.newPromise();
    run.deferreds.set(callId, deferred);
    deferred.settled.then(
      () => pump(run),
      () => undefined,
    );
    post({ kind: 'call', runId: message.runId, callId, method, args });
    return deferred.handle;
  });
  context.setProp(context.global, '__host', bridge);
  bridge.dispose();
  context.setProp(
    context.global,
    '__varsJson',
    context.newString(JSON.stringify(message.variables)),
  );
  const prelude = context.evalCode(jsPrelude, 'prelude.js');
  if (prelude.error) {
    finish(run, message.runId, {
      kind: 'script',
      message: describe(run, context.dump(prelude.error)),
    });
    prelude.error.dispose();
    return;
  }
  prelude.value.dispose();
  const compiled = slice(run, () =>
    context.evalCode(wrapJs(message.mode, message.code), 'cell.js'),
  );
  if (compiled.error) {
    const error: unknown = context.dump(compiled.error);
    compiled.error.dispose();
    const position = jsErrorPosition(error, message.code, message.mode);
    post({
      kind: 'done',
      runId: message.runId,
      ok: false,
      changed: {},
      deleted: [],
      error: { kind: 'syntax', message: describe(run, error), ...position },
    });
    run.finished = true;
    runs.delete(message.runId);
    dispose(run);
    return;
  }
  const drive = context.getProp(context.global, '__drive');
  const kind = context.newString(message.mode);
  const promise = slice(run, () =>
    context.callFunction(drive, context.undefined, kind, compiled.value),
  );
  drive.dispose();
  kind.dispose();
  compiled.value.dispose();
  if (promise.error) {
    const error: unknown = context.dump(promise.error);
    promise.error.dispose();
    finish(run, message.runId, { kind: failureKind(run), message: describe(run, error) });
    return;
  }
  context.resolvePromise(promise.value).then(
    (settled) => {
      if (run.finished) return;
      if (settled.error) {
        const error: unknown = context.dump(settled.error);
        settled.error.dispose();
        finish(run, message.runId, { kind: failureKind(run), message: describe(run, error) });
        return;
      }
      const report = JSON.parse(context.getString(settled.value)) as {
        changed: Record<string, string>;
        deleted: string[];
        value: unknown;
        error?: { message: string; stack: string };
      };
      settled.value.dispose();
      run.finished = true;
      runs.delete(message.runId);
      const failure =
        run.timedOut || run.memoryExceeded
          ? { kind: failureKind(run), message: describe(run, null) }
          : report.error
            ? {
                kind: /out of memory/i.test(report.error.message)
                  ? ('memory' as const)
                  : ('script' as const),
                message: report.error.message,
                ...jsErrorPosition(report.error, message.code, message.mode),
              }
            : undefined;
      post({
        kind: 'done',
        runId: message.runId,
        ok: !failure,
        value: report.value,
        changed: report.changed,
        deleted: report.deleted,
        ...(failure ? { error: failure } : {}),
      });
      dispose(run);
    },
    () => undefined,
  );
  promise.value.dispose();
  pump(run);
}

function check(message: Extract<ToWorker, { kind: 'check' }>): void {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(16 * 1024 * 1024);
  const context = runtime.newContext();
  const result = context.evalCode(wrapJs(message.mode, message.code), 'cell.js', {
    compileOnly: true,
  });
  if (result.error) {
    const error: unknown = context.dump(result.error);
    result.error.dispose();
    const position = jsErrorPosition(error, message.code, message.mode);
    const text = (error as { message?: string }).message ?? String(error);
    post({
      kind: 'checked',
      runId: message.runId,
      result: { ok: false, line: position.line ?? 1, column: position.column ?? 1, message: text },
    });
  } else {
    result.value.dispose();
    post({ kind: 'checked', runId: message.runId, result: { ok: true } });
  }
  context.dispose();
  runtime.dispose();
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'run':
      start(message);
      return;
    case 'check':
      check(message);
      return;
    case 'reply': {
      const run = runs.get(message.runId);
      const deferred = run?.deferreds.get(message.callId);
      if (!run || !deferred || run.finished) return;
      run.deferreds.delete(message.callId);
      if (message.ok) {
        const value = run.context.newString(JSON.stringify(message.value ?? null));
        deferred.resolve(value);
        value.dispose();
      } else {
        const error = run.context.newError(message.error ?? 'host call failed');
        deferred.reject(error);
        error.dispose();
      }
      return;
    }
    case 'cancel': {
      const run = runs.get(message.runId);
      if (run) finish(run, message.runId, { kind: 'cancelled', message: 'script cancelled' });
      return;
    }
  }
});

setInterval(() => {
  post({
    kind: 'beat',
    heapBytes: tainted && runs.size === 0 ? Number.MAX_SAFE_INTEGER : heapBytes(),
  });
}, 50);
post({ kind: 'ready' });
void boot;
