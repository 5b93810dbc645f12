// The pool raises Pyodide's interrupt for a worker that stays silent too long. When the slice it
// was meant for has already ended on its own, the flag must not stop the next run's code, which
// may be another listener's script (seen in CI: an innocent run failed "was interrupted").
import { describe, expect, it } from 'vitest';
import { startWorkerThread } from './worker-thread.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('pyodide worker and a stale interrupt', { retry: 1 }, () => {
  it('a flag left over from an ended slice does not stop the next run, a fresh one still does', async () => {
    const interrupt = new SharedArrayBuffer(1);
    const flag = new Uint8Array(interrupt);
    const worker = startWorkerThread({
      entry: new URL('./pyodide-worker.ts', import.meta.url),
      boot: { interrupt, heapCapBytes: 512 * 1024 * 1024 },
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const done = new Map<string, (message: Extract<FromWorker, { kind: 'done' }>) => void>();
    let ready = (): void => undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    worker.on('message', (batch: FromWorker[]) => {
      for (const message of batch) {
        if (message.kind === 'ready') ready();
        if (message.kind === 'done') done.get(message.runId)?.(message);
      }
    });
    const run = (runId: string, code: string): Promise<Extract<FromWorker, { kind: 'done' }>> =>
      new Promise((resolve) => {
        done.set(runId, resolve);
        const message: ToWorker = {
          kind: 'run',
          runId,
          mode: 'cell',
          code,
          variables: {},
          cpuTimeMs: 5000,
          memoryBytes: 32 * 1024 * 1024,
        };
        worker.postMessage([message]);
      });
    try {
      await started;
      // Stale: set while no Python code runs, as the pool's watchdog can just after a run ended.
      flag[0] = 2;
      const innocent = await run(
        'innocent',
        "s = 0\nfor i in range(200000):\n    s += i\nvars['out'] = str(s)",
      );
      expect(innocent.error).toBeUndefined();
      expect(innocent.changed).toEqual({ out: '19999900000' });
      // Fresh: set while a slice runs, it still stops that slice.
      const stuck = run('stuck', 'while True:\n    pass');
      await new Promise((resolve) => setTimeout(resolve, 500));
      flag[0] = 2;
      const stopped = await stuck;
      expect(stopped.ok).toBe(false);
      expect(stopped.error?.message).toMatch(/interrupted/);
    } finally {
      await worker.terminate();
    }
  }, 90_000);
});
