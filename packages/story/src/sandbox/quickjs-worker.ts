// Worker-thread entry for JavaScript runs. Each run gets a pre-initialised QuickJS slot (own
// runtime: own memory limit and interrupt deadline; prelude evaluated and realm frozen ahead of
// time), so a warm run costs one function call instead of a runtime, a context and a prelude
// compile. Native QuickJS promises carry the awaits on host capabilities, so many runs can wait
// at once in one worker.
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, type QuickJSHandle } from 'quickjs-emscripten-core';
import releaseVariant from '@jitl/quickjs-wasmfile-release-sync';
import { wrapJs } from './js-prelude.ts';
import { jsErrorPosition } from './js-error-position.ts';
import { createQuickJsSlot, slotIsClean, type QuickJsSlot, type SlotRun } from './quickjs-slot.ts';
import type { FromWorker, HostMethod, ToWorker, WorkerBoot } from './worker-protocol.ts';
import { createMessageBatcher } from './message-batcher.ts';

if (!parentPort) throw new Error('quickjs-worker must run in a worker thread');
const port = parentPort;
const boot = workerData as WorkerBoot;
const quickjs = await newQuickJSWASMModuleFromVariant(releaseVariant);
const post = createMessageBatcher<FromWorker>((batch) => port.postMessage(batch));

/**
 * Ready slots are kept for as many runs as were recently active at once (at least 8, at most
 * 256, ~0.3 MB each), so concurrent engines reuse slots instead of building new ones; the target
 * halves every 10 s when fewer runs are active. A slot serves at most 1000 runs before renewal.
 */
const minSpare = 8;
const maxSpare = 256;
const usesPerSlot = 1000;
const compiledPerSlot = 32;
let spareSlots = minSpare;

const active = new Map<string, QuickJsSlot>();
const spare: QuickJsSlot[] = [];
let nextCallId = 1;
let tainted = false;
const heapBytes = (): number => quickjs.getWasmMemory().buffer.byteLength;

function onHostCall(slot: QuickJsSlot, method: string, argsJson: string): QuickJSHandle {
  const run = slot.run;
  if (method === '__done') {
    if (run && !run.finished) run.report = argsJson;
    return slot.context.undefined;
  }
  const deferred = slot.context.newPromise();
  if (!run || run.finished) {
    const error = slot.context.newError('script run is over');
    deferred.reject(error);
    error.dispose();
    return deferred.handle;
  }
  const callId = nextCallId++;
  run.deferreds.set(callId, deferred);
  deferred.settled.then(
    () => pump(slot),
    () => undefined,
  );
  const args = JSON.parse(argsJson) as unknown[];
  post({ kind: 'call', runId: run.runId, callId, method: method as HostMethod, args });
  return deferred.handle;
}

const newSlot = (): QuickJsSlot => createQuickJsSlot({ quickjs, heapBytes, onHostCall });

function takeSlot(): QuickJsSlot {
  if (active.size + 1 > spareSlots) spareSlots = Math.min(maxSpare, active.size + 1);
  return spare.pop() ?? newSlot();
}

setInterval(() => {
  spareSlots = Math.max(minSpare, active.size, Math.floor(spareSlots / 2));
  while (spare.length > spareSlots) spare.pop()?.dispose();
}, 10_000).unref();

/** Refills the spare slots while the worker is idle, one per macrotask. */
function refill(): void {
  if (spare.length >= spareSlots || tainted) return;
  setImmediate(() => {
    if (spare.length < spareSlots) spare.push(newSlot());
    refill();
  });
}

let lastBeat = Date.now();
/** Sent at once, never batched: it tells the pool's watchdog that this worker is still alive. */
function beat(): void {
  lastBeat = Date.now();
  port.postMessage([
    {
      kind: 'beat',
      heapBytes: tainted && active.size === 0 ? Number.MAX_SAFE_INTEGER : heapBytes(),
    },
  ]);
}

/**
 * Executes `fn` as one CPU slice of the slot's run, accounting its time for the interrupt
 * handler. A long slice is followed by a heartbeat, so the pool's stall watchdog measures one
 * slice, never several runs' slices that happened to follow each other without a timer turn.
 */
function slice<T>(run: SlotRun, fn: () => T): T {
  run.sliceStart = Date.now();
  run.heapAtSlice = heapBytes();
  try {
    return fn();
  } finally {
    run.usedMs += Date.now() - run.sliceStart;
    run.sliceStart = undefined;
    if (Date.now() - lastBeat > 20) beat();
  }
}

function pump(slot: QuickJsSlot): void {
  const run = slot.run;
  if (!run || run.finished) return;
  const result = slice(run, () => slot.runtime.executePendingJobs());
  if (result.error) {
    const error: unknown = slot.context.dump(result.error);
    result.error.dispose();
    fail(slot, failureKind(run), describe(run, error));
    return;
  }
  if (run.report !== undefined) settle(slot, run, run.report);
}

function failureKind(run: SlotRun): 'memory' | 'timeout' | 'script' {
  return run.memoryExceeded ? 'memory' : run.timedOut ? 'timeout' : 'script';
}

function describe(run: SlotRun, error: unknown): string {
  if (run.memoryExceeded)
    return `script exceeded its memory limit of ${Math.round(run.memoryBytes / 1048576)} MiB`;
  if (run.timedOut) return `script exceeded its CPU time of ${run.cpuTimeMs} ms`;
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: string;
    message?: string;
  };
  return record.message ? `${record.name ?? 'Error'}: ${record.message}` : String(error);
}

/** Ends the slot's run: posts the result, then recycles the slot if it is clean. */
function finish(
  slot: QuickJsSlot,
  done: Omit<Extract<FromWorker, { kind: 'done' }>, 'kind' | 'runId'>,
): void {
  const run = slot.run;
  if (!run || run.finished) return;
  run.finished = true;
  active.delete(run.runId);
  post({ kind: 'done', runId: run.runId, ...done });
  release(slot);
}

function fail(
  slot: QuickJsSlot,
  kind: 'timeout' | 'script' | 'memory' | 'cancelled',
  message: string,
): void {
  finish(slot, {
    ok: false,
    changed: {},
    deleted: [],
    error: { kind: /out of memory/i.test(message) ? 'memory' : kind, message },
  });
}

function release(slot: QuickJsSlot): void {
  const clean = slotIsClean(slot) && slot.uses < usesPerSlot && spare.length < spareSlots;
  if (slot.run?.memoryExceeded) tainted = true;
  if (clean) {
    slot.run = undefined;
    spare.push(slot);
    return;
  }
  try {
    slot.dispose();
  } catch {
    // A runtime that hit its memory limit or an interrupt can fail to free cleanly; this worker
    // then asks to be replaced once its other runs are done.
    tainted = true;
  }
  refill();
}

function start(message: Extract<ToWorker, { kind: 'run' }>): void {
  const slot = takeSlot();
  const { context, runtime } = slot;
  runtime.setMemoryLimit(message.memoryBytes);
  const run: SlotRun = {
    runId: message.runId,
    usedMs: 0,
    sliceStart: undefined,
    cpuTimeMs: message.cpuTimeMs,
    timedOut: false,
    memoryBytes: message.memoryBytes,
    heapAtSlice: heapBytes(),
    memoryExceeded: false,
    finished: false,
    deferreds: new Map(),
    report: undefined,
    code: { text: message.code, mode: message.mode },
  };
  slot.run = run;
  slot.uses += 1;
  active.set(message.runId, slot);
  const key = `${message.mode}\u0000${message.code}`;
  let fn = slot.compiled.get(key);
  if (!fn) {
    const compiled = slice(run, () =>
      context.evalCode(wrapJs(message.mode, message.code), 'cell.js'),
    );
    if (compiled.error) {
      const error: unknown = context.dump(compiled.error);
      compiled.error.dispose();
      const position = jsErrorPosition(error, message.code, message.mode);
      const kind = run.timedOut || run.memoryExceeded ? failureKind(run) : 'syntax';
      finish(slot, {
        ok: false,
        changed: {},
        deleted: [],
        error: { kind, message: describe(run, error), ...(kind === 'syntax' ? position : {}) },
      });
      return;
    }
    fn = compiled.value;
    cacheCompiled(slot, key, fn);
  }
  const kind = context.newString(message.mode);
  const varsJson = context.newString(JSON.stringify(message.variables));
  const cell = fn;
  const promise = slice(run, () =>
    context.callFunction(slot.drive, context.undefined, kind, cell, varsJson),
  );
  kind.dispose();
  varsJson.dispose();
  if (promise.error) {
    const error: unknown = context.dump(promise.error);
    promise.error.dispose();
    fail(slot, failureKind(run), describe(run, error));
    return;
  }
  promise.value.dispose();
  pump(slot);
}

/**
 * Keeps a slot's compiled cell functions (the prelude's driver freezes each before its first
 * call, so a run cannot leave state on it): 200 engines walking one graph compile each cell once
 * per slot instead of once per run.
 */
function cacheCompiled(slot: QuickJsSlot, key: string, fn: QuickJSHandle): void {
  if (slot.compiled.size >= compiledPerSlot) {
    const [oldest] = slot.compiled;
    if (oldest) {
      slot.compiled.delete(oldest[0]);
      oldest[1].dispose();
    }
  }
  slot.compiled.set(key, fn);
}

function settle(slot: QuickJsSlot, run: SlotRun, json: string): void {
  if (run.finished || slot.run !== run) return;
  const report = JSON.parse(json) as {
    changed: Record<string, string>;
    deleted: string[];
    value: unknown;
    error?: { message: string; stack: string };
  };
  const code = run.code;
  const failure =
    run.timedOut || run.memoryExceeded
      ? { kind: failureKind(run), message: describe(run, null) }
      : report.error
        ? {
            kind: /out of memory/i.test(report.error.message)
              ? ('memory' as const)
              : ('script' as const),
            message: report.error.message,
            ...jsErrorPosition(report.error, code.text, code.mode),
          }
        : undefined;
  finish(slot, {
    ok: !failure,
    value: report.value,
    changed: report.changed,
    deleted: report.deleted,
    ...(failure ? { error: failure } : {}),
  });
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

port.on('message', (batch: ToWorker[]) => {
  for (const message of batch) handle(message);
});

function handle(message: ToWorker): void {
  switch (message.kind) {
    case 'run':
      start(message);
      return;
    case 'check':
      check(message);
      return;
    case 'reply': {
      const slot = active.get(message.runId);
      const run = slot?.run;
      const deferred = run?.deferreds.get(message.callId);
      if (!slot || !run || !deferred || run.finished) return;
      run.deferreds.delete(message.callId);
      if (message.ok) {
        const value = slot.context.newString(JSON.stringify(message.value ?? null));
        deferred.resolve(value);
        value.dispose();
      } else {
        const error = slot.context.newError(message.error ?? 'host call failed');
        deferred.reject(error);
        error.dispose();
      }
      deferred.dispose();
      return;
    }
    case 'cancel': {
      const slot = active.get(message.runId);
      if (slot) fail(slot, 'cancelled', 'script cancelled');
      return;
    }
  }
}

setInterval(beat, 50);
refill();
post({ kind: 'ready' });
void boot;
