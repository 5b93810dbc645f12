// Messages between the sandbox pool (main thread) and a sandbox worker thread.
import type { ScriptFailure, ScriptMode, SyntaxCheckResult } from './sandbox-types.ts';

/** Capability methods a worker may call on the host. */
export type HostMethod = 'waitForVariable' | 'sleep' | 'getVariables' | 'log' | 'emitDialog';

/** Main thread → worker. */
export type ToWorker =
  | {
      kind: 'run';
      runId: string;
      mode: ScriptMode;
      code: string;
      variables: Record<string, string>;
      cpuTimeMs: number;
      memoryBytes: number;
    }
  | { kind: 'check'; runId: string; mode: ScriptMode; code: string }
  | { kind: 'reply'; runId: string; callId: number; ok: boolean; value?: unknown; error?: string }
  | { kind: 'cancel'; runId: string };

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'beat'; heapBytes: number }
  | { kind: 'call'; runId: string; callId: number; method: HostMethod; args: unknown[] }
  | {
      kind: 'done';
      runId: string;
      ok: boolean;
      value?: unknown;
      changed: Record<string, string>;
      deleted: string[];
      error?: ScriptFailure;
    }
  | { kind: 'checked'; runId: string; result: SyntaxCheckResult };

/** Data passed to a worker at start (`workerData`). */
export interface WorkerBoot {
  /** Shared byte the pool sets to 2 to raise KeyboardInterrupt in Python (Pyodide interrupt buffer). */
  interrupt: SharedArrayBuffer;
  /** Cap for the worker's WASM heap in bytes; above it the worker asks to be retired. */
  heapCapBytes: number;
}
