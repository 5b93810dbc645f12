// An idle sandbox worker is ended so its memory goes back (Pyodide holds ~200 MB); the next run
// starts a new one. Checked on the QuickJS entry, which shares the pool code and starts fast.
import { describe, expect, it } from 'vitest';
import { createWorkerPool } from './worker-pool.ts';
import type { ScriptCapabilities } from './sandbox-types.ts';

const capabilities: ScriptCapabilities = {
  waitForVariable: () => Promise.resolve(''),
  sleep: () => Promise.resolve(),
  getVariables: () => Promise.resolve({}),
  log: () => undefined,
  emitDialog: () => Promise.resolve(),
};

const request = {
  mode: 'cell' as const,
  code: 'vars.x = String(1 + 1);',
  variables: {},
  capabilities,
  cpuTimeMs: 1000,
  wallTimeMs: 10_000,
  memoryBytes: 32 * 1024 * 1024,
};

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('worker pool idle retirement', { retry: 1 }, () => {
  it('ends a worker idle past idleRetireMs and starts a fresh one for the next run', async () => {
    const pool = createWorkerPool({
      entry: new URL('./quickjs-worker.ts', import.meta.url),
      size: 1,
      interruptible: false,
      preferFreshWorker: true,
      stallGraceMs: 10_000,
      killGraceMs: 0,
      startupTimeoutMs: 20_000,
      heapCapBytes: 256 * 1024 * 1024,
      maxOldGenerationSizeMb: 128,
      idleRetireMs: 500,
    });
    try {
      expect((await pool.run(request)).changed).toEqual({ x: '2' });
      expect(pool.workers()).toBe(1);
      const deadline = Date.now() + 5000;
      while (pool.workers() > 0 && Date.now() < deadline)
        await new Promise((done) => setTimeout(done, 100));
      expect(pool.workers()).toBe(0);
      expect((await pool.run(request)).changed).toEqual({ x: '2' });
      expect(pool.workers()).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
