// The in-process ScriptSandbox: QuickJS workers for JavaScript, Pyodide workers for Python. It runs
// inside the boxed sandbox host process (sandbox-host.ts), never in the backend itself.
import type {
  SandboxLimits,
  ScriptLanguage,
  ScriptRunRequest,
  ScriptRunResult,
  ScriptSandbox,
  SyntaxCheckRequest,
  SyntaxCheckResult,
} from './sandbox-types.ts';
import { createWorkerPool, type WorkerPool } from './worker-pool.ts';

/** Options of {@link createLocalSandbox}; every field has a default. */
export interface LocalSandboxOptions {
  /** Default limits of a run (CPU 1 s, wall 15 min, 32 MiB for JavaScript). */
  limits?: Partial<SandboxLimits>;
  /** Worker threads for JavaScript (default 2). */
  javascriptWorkers?: number;
  /** Worker threads for Python (default 1; each Pyodide worker takes ~200 MB and ~4 s to start). */
  pythonWorkers?: number;
  /** A Python worker whose WASM heap grows beyond this is replaced after its runs (default 512 MiB). */
  pythonHeapCapBytes?: number;
  /**
   * A Python worker idle this long is ended and its ~200 MB given back; the next Python run starts
   * a new one (~4 s). Default 10 minutes.
   */
  pythonIdleMs?: number;
  /** Worker entry files (default: the TypeScript siblings; the host passes its bundled ones). */
  entries?: { javascript: URL; python: URL };
}

const defaults: SandboxLimits = {
  cpuTimeMs: 1000,
  wallTimeMs: 15 * 60_000,
  memoryBytes: 32 * 1024 * 1024,
};

/**
 * Creates the in-process sandbox. Runs never execute in the caller's realm: JavaScript runs in QuickJS (WASM)
 * and Python in Pyodide (WASM), both inside worker threads with an empty environment and heap
 * limits, so a runaway loop, a memory hog or a crashing VM only costs that run (and at worst a
 * worker, which is replaced).
 *
 * @example
 * await using sandbox = createLocalSandbox();
 * const result = await sandbox.run({ language: 'javascript', mode: 'condition', code: "vars.a === '1'", variables: { a: '1' }, capabilities });
 */
export function createLocalSandbox(options: LocalSandboxOptions = {}): ScriptSandbox {
  const limits: SandboxLimits = { ...defaults, ...options.limits };
  const pools = new Map<ScriptLanguage, WorkerPool>();
  const pool = (language: ScriptLanguage): WorkerPool => {
    let found = pools.get(language);
    if (!found) {
      found =
        language === 'javascript'
          ? createWorkerPool({
              entry: options.entries?.javascript ?? new URL('./quickjs-worker.ts', import.meta.url),
              size: options.javascriptWorkers ?? 2,
              interruptible: false,
              preferFreshWorker: true,
              // QuickJS stops its own runs at the CPU limit; killing the worker (and its other
              // runs) is the last resort for a C-level operation that never checks back, so it
              // waits long: on a loaded machine a stopped slice can take seconds of wall time.
              stallGraceMs: 10_000,
              killGraceMs: 0,
              startupTimeoutMs: 20_000,
              heapCapBytes: 256 * 1024 * 1024,
              maxOldGenerationSizeMb: 128,
            })
          : createWorkerPool({
              entry: options.entries?.python ?? new URL('./pyodide-worker.ts', import.meta.url),
              size: options.pythonWorkers ?? 1,
              interruptible: true,
              preferFreshWorker: false,
              // The policy's ticks stop bytecode loops at the CPU limit; the interrupt is the
              // backstop for long C-level operations only.
              stallGraceMs: 2000,
              killGraceMs: 8000,
              startupTimeoutMs: 60_000,
              heapCapBytes: options.pythonHeapCapBytes ?? 512 * 1024 * 1024,
              maxOldGenerationSizeMb: 256,
              idleRetireMs: options.pythonIdleMs ?? 10 * 60_000,
            });
      pools.set(language, found);
    }
    return found;
  };
  const close = async (): Promise<void> => {
    await Promise.all([...pools.values()].map((entry) => entry.close()));
    pools.clear();
  };
  return {
    async run(request: ScriptRunRequest): Promise<ScriptRunResult> {
      const effective = { ...limits, ...request.limits };
      return pool(request.language).run({
        mode: request.mode,
        code: request.code,
        variables: request.variables,
        capabilities: request.capabilities,
        cpuTimeMs: effective.cpuTimeMs,
        wallTimeMs: effective.wallTimeMs,
        memoryBytes: effective.memoryBytes,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    },
    async checkSyntax(request: SyntaxCheckRequest): Promise<SyntaxCheckResult> {
      return pool(request.language).check(request.mode ?? 'cell', request.code);
    },
    async warmUp(languages: ScriptLanguage[] = ['javascript', 'python']) {
      await Promise.all(languages.map((language) => pool(language).warmUp()));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
