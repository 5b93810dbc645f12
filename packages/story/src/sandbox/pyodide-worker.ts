// Worker-thread entry for Python runs: one Pyodide interpreter (loaded offline from npm) per
// worker; runs are asyncio tasks, so waiting runs cost no CPU. A stalled run is stopped by the
// pool through Pyodide's interrupt buffer (KeyboardInterrupt) or, failing that, by termination.
import { constants as fsConstants } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPyodide } from 'pyodide';
import { hardenRealm } from './harden-realm.ts';
import { pythonPrelude } from './python-prelude.ts';
import { callBudget } from './call-budget.ts';
import type { FromWorker, HostMethod, ToWorker, WorkerBoot } from './worker-protocol.ts';
import { createMessageBatcher } from './message-batcher.ts';

if (!parentPort) throw new Error('pyodide-worker must run in a worker thread');
const port = parentPort;
const boot = workerData as WorkerBoot;
const post = createMessageBatcher<FromWorker>((batch) => port.postMessage(batch));

interface Waiting {
  resolve: (value: string | undefined) => void;
  reject: (error: Error) => void;
}
const waiting = new Map<string, Map<number, Waiting>>();
/** Per-run capability tokens (random, never the run id) → run id. Unknown tokens are refused. */
const runOfToken = new Map<string, string>();
const tokenOfRun = new Map<string, string>();
let nextCallId = 1;

/** The one JS function Python can reach: forwards a capability call of the run holding `token`. */
function call(token: string, method: HostMethod, argsJson: string): Promise<string | undefined> {
  const runId = runOfToken.get(token);
  if (runId === undefined) return Promise.reject(new Error('not a running script'));
  const args = JSON.parse(argsJson) as unknown[];
  const callId = nextCallId++;
  if (method === 'log') {
    // Fire and forget (Python's print does not await): never leave a promise that could reject unhandled.
    post({ kind: 'call', runId, callId, method, args });
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    let calls = waiting.get(runId);
    if (!calls) waiting.set(runId, (calls = new Map<number, Waiting>()));
    calls.set(callId, { resolve, reject });
    post({ kind: 'call', runId, callId, method, args });
  });
}

// Python's `js` module sees only this object, not our globalThis.
const jsGlobals = Object.create(null) as Record<string, unknown>;
jsGlobals.setTimeout = setTimeout;
jsGlobals.clearTimeout = clearTimeout;
const discard = (): void => undefined;
const indexURL = `${dirname(createRequire(import.meta.url).resolve('pyodide'))}/`;
// Emscripten's NODEFS reads fs flag constants through process.binding, which Node's permission
// model (the sandbox host runs under it) denies; hand it just those constants.
Object.defineProperty(process, 'binding', {
  value: (name: string) => {
    if (name === 'constants') return { fs: fsConstants };
    throw new Error('process.binding is not available in the sandbox');
  },
});
const pyodide = await loadPyodide({
  indexURL,
  jsglobals: jsGlobals,
  stdout: discard,
  stderr: discard,
});
const module = (pyodide as unknown as { _module: { HEAPU8: Uint8Array } })._module;
const heap = (): number => module.HEAPU8.buffer.byteLength;
const interrupt = new Uint8Array(boot.interrupt);
// A slice clears the pool's interrupt as it begins: one raised for a slice that then ended on
// its own must not land in the next run's code (another listener's script).
const clearInterrupt = (): void => {
  interrupt[0] = 0;
};
pyodide.registerJsModule('_gencaster_host', { call, heap, clear_interrupt: clearInterrupt });
await pyodide.runPythonAsync(pythonPrelude);
pyodide.unregisterJsModule('_gencaster_host');
pyodide.unregisterJsModule('pyodide_js');
pyodide.setInterruptBuffer(interrupt);
const globals = pyodide.globals as unknown as { get(name: string): unknown };
const run = globals.get('_gencaster_run') as (
  runId: string,
  mode: string,
  code: string,
  varsJson: string,
  cpuMs: number,
  maxSteps: number,
  memoryBytes: number,
) => Promise<string>;
const cancel = globals.get('_gencaster_cancel') as (runId: string) => void;
const check = globals.get('_gencaster_check') as (mode: string, code: string) => string;
hardenRealm(pyodide as unknown as Record<string, unknown>);

port.on('message', (batch: ToWorker[]) => {
  for (const message of batch) handle(message);
});

function handle(message: ToWorker): void {
  switch (message.kind) {
    case 'run': {
      const { runId, mode, code, variables, cpuTimeMs, memoryBytes } = message;
      const token = randomUUID();
      runOfToken.set(token, runId);
      tokenOfRun.set(runId, token);
      const forget = (): void => {
        waiting.delete(runId);
        runOfToken.delete(token);
        tokenOfRun.delete(runId);
      };
      const vars = JSON.stringify(variables);
      clearInterrupt();
      run(token, mode, code, vars, cpuTimeMs, callBudget.busyResumptions, memoryBytes).then(
        (json) => {
          forget();
          port.postMessage([{ kind: 'beat', heapBytes: heap() }]);
          type Done = Extract<FromWorker, { kind: 'done' }>;
          const report = JSON.parse(json) as Omit<Done, 'kind' | 'runId' | 'ok' | 'error'> & {
            error: Done['error'] | null;
          };
          const { value, changed, deleted, error } = report;
          post({
            kind: 'done',
            runId,
            ok: !error,
            value,
            changed,
            deleted,
            ...(error ? { error } : {}),
          });
        },
        (error: unknown) => {
          forget();
          post({
            kind: 'done',
            runId,
            ok: false,
            changed: {},
            deleted: [],
            error: { kind: 'crashed', message: String(error).slice(-500) },
          });
        },
      );
      return;
    }
    case 'check':
      post({
        kind: 'checked',
        runId: message.runId,
        result: JSON.parse(check(message.mode, message.code)) as Extract<
          FromWorker,
          { kind: 'checked' }
        >['result'],
      });
      return;
    case 'reply': {
      const pending = waiting.get(message.runId)?.get(message.callId);
      waiting.get(message.runId)?.delete(message.callId);
      if (!pending) return;
      if (message.ok)
        pending.resolve(message.value === undefined ? undefined : JSON.stringify(message.value));
      else pending.reject(new Error(message.error ?? 'host call failed'));
      return;
    }
    case 'cancel': {
      const token = tokenOfRun.get(message.runId);
      if (token !== undefined) cancel(token);
      return;
    }
  }
}

// A stop (KeyboardInterrupt) that lands in asyncio's glue instead of a run must not end the
// worker and every run it holds: the interpreter itself is still sound.
process.on('uncaughtException', (error) => {
  port.postMessage([{ kind: 'beat', heapBytes: heap() }]);
  void error;
});
setInterval(() => port.postMessage([{ kind: 'beat', heapBytes: heap() }]), 50);
post({ kind: 'ready' });
