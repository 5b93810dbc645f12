// Starts a sandbox worker thread from a TypeScript entry file. Node 20 workers do not inherit the
// parent's loader hooks, so the worker registers tsx itself before importing the entry.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { WorkerBoot } from './worker-protocol.ts';

/** Options of {@link startWorkerThread}. */
export interface StartWorkerOptions {
  entry: URL;
  boot: WorkerBoot;
  resourceLimits: ResourceLimits;
}

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  // The CommonJS build of tsx/esm/api cannot register ESM hooks from an eval'd worker script.
  return pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

/**
 * Creates a worker running `entry` with an empty environment (no secrets from `process.env`),
 * no stdin and the given V8 heap limits. The worker's stdout/stderr are not piped to ours.
 */
export function startWorkerThread(options: StartWorkerOptions): Worker {
  const target = JSON.stringify(options.entry.href);
  const source = options.entry.pathname.endsWith('.ts')
    ? `import(${JSON.stringify(tsxLoaderUrl())}).then((m) => { m.register(); return import(${target}); })` +
      `.catch((error) => { setImmediate(() => { throw error; }); });`
    : `import(${target}).catch((error) => { setImmediate(() => { throw error; }); });`;
  return new Worker(source, {
    eval: true,
    env: {},
    stdout: true,
    stderr: true,
    workerData: options.boot,
    resourceLimits: options.resourceLimits,
  });
}
