// One pre-initialised QuickJS runtime + context: the prelude is evaluated and the realm frozen
// once, then the slot serves one run at a time and is recycled only when the run left nothing
// behind (no pending jobs, no open host calls, no limit hit).
import type {
  QuickJSContext,
  QuickJSDeferredPromise,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { jsPrelude } from './js-prelude.ts';

/** State of the run a slot currently serves. */
export interface SlotRun {
  runId: string;
  usedMs: number;
  sliceStart: number | undefined;
  cpuTimeMs: number;
  timedOut: boolean;
  memoryBytes: number;
  heapAtSlice: number;
  memoryExceeded: boolean;
  finished: boolean;
  deferreds: Map<number, QuickJSDeferredPromise>;
  /** The prelude's JSON report, set by `__host('__done', …)`; settled after the VM returns. */
  report: string | undefined;
  /** The user's code, for error positions. */
  code: { text: string; mode: 'cell' | 'condition' | 'expression' };
}

/** A pooled QuickJS context; see {@link createQuickJsSlot}. */
export interface QuickJsSlot {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  /** The prelude's per-run driver `(kind, fn, varsJson) => Promise<string>`. */
  drive: QuickJSHandle;
  run: SlotRun | undefined;
  uses: number;
  /** Compiled cell functions by mode and code, frozen by the driver (see quickjs-worker.ts). */
  compiled: Map<string, QuickJSHandle>;
  dispose(): void;
}

/** Options of {@link createQuickJsSlot}. */
export interface QuickJsSlotOptions {
  quickjs: QuickJSWASMModule;
  /** Bytes of the worker's WASM heap right now (ArrayBuffers are not counted by QuickJS). */
  heapBytes: () => number;
  /** Called for every host call the current run makes; returns the promise handed to the run. */
  onHostCall: (slot: QuickJsSlot, method: string, argsJson: string) => QuickJSHandle;
}

/**
 * Creates a slot: runtime, context, the `__host` bridge, the prelude and the lockdown. Throws
 * when the prelude fails (a bug, never user input).
 */
export function createQuickJsSlot(options: QuickJsSlotOptions): QuickJsSlot {
  const runtime = options.quickjs.newRuntime();
  runtime.setMaxStackSize(512 * 1024);
  const context = runtime.newContext();
  const slot: QuickJsSlot = {
    runtime,
    context,
    drive: context.undefined,
    run: undefined,
    uses: 0,
    compiled: new Map(),
    dispose() {
      for (const fn of slot.compiled.values()) if (fn.alive) fn.dispose();
      slot.compiled.clear();
      for (const deferred of slot.run?.deferreds.values() ?? [])
        if (deferred.alive) deferred.dispose();
      if (slot.drive.alive) slot.drive.dispose();
      context.dispose();
      runtime.dispose();
    },
  };
  runtime.setInterruptHandler(() => {
    const run = slot.run;
    if (!run || run.sliceStart === undefined) return false;
    if (run.usedMs + Date.now() - run.sliceStart > run.cpuTimeMs) run.timedOut = true;
    if (options.heapBytes() - run.heapAtSlice > run.memoryBytes) run.memoryExceeded = true;
    return run.timedOut || run.memoryExceeded;
  });
  const bridge = context.newFunction('__host', (methodHandle, argsHandle) =>
    options.onHostCall(slot, context.getString(methodHandle), context.getString(argsHandle)),
  );
  context.setProp(context.global, '__host', bridge);
  bridge.dispose();
  const prelude = context.evalCode(jsPrelude, 'prelude.js');
  if (prelude.error) {
    const error: unknown = context.dump(prelude.error);
    prelude.error.dispose();
    slot.dispose();
    throw new Error(`QuickJS prelude failed: ${JSON.stringify(error)}`);
  }
  slot.drive = prelude.value;
  return slot;
}

/** Whether a finished run left the slot reusable: nothing pending that could run later. */
export function slotIsClean(slot: QuickJsSlot): boolean {
  const run = slot.run;
  if (!run || run.timedOut || run.memoryExceeded) return false;
  for (const deferred of run.deferreds.values()) if (deferred.alive) return false;
  return !slot.runtime.hasPendingJob();
}
