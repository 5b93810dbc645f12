// Entry of the sandbox host process: the only process that runs authors' JavaScript and Python.
// The backend starts it inside an OS box (sandbox-box.ts) and talks to it over the IPC channel;
// here the in-process sandbox runs the code, and every capability a run uses (waiting for a
// variable, a dialog, a log line) is asked of the backend for that run's id.
import { createLocalSandbox } from './create-local-sandbox.ts';
import type { FromHost, ToHost } from './sandbox-host-protocol.ts';
import type { ScriptCapabilities, ScriptSandbox } from './sandbox-types.ts';
import type { HostMethod } from './worker-protocol.ts';
import { createMessageBatcher } from './message-batcher.ts';

const send = createMessageBatcher<FromHost>((batch) => {
  process.send?.(batch);
});
if (!process.send) throw new Error('sandbox-host must be started with an IPC channel');

let sandbox: ScriptSandbox | undefined;
const runs = new Map<number, AbortController>();
const calls = new Map<
  number,
  { resolve: (value: unknown) => void; reject: (error: Error) => void }
>();
let nextCallId = 1;

function ask(
  id: number,
  method: HostMethod,
  args: unknown[],
  signal: AbortSignal,
): Promise<unknown> {
  const callId = nextCallId++;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      calls.delete(callId);
      reject(new Error('script run is over'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    calls.set(callId, {
      resolve: (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      reject: (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    });
    send({ kind: 'call', id, callId, method, args });
  });
}

function capabilitiesOf(id: number): ScriptCapabilities {
  return {
    waitForVariable: (name, timeoutMs, signal) =>
      ask(id, 'waitForVariable', [name, timeoutMs], signal).then(String),
    sleep: (ms, signal) => ask(id, 'sleep', [ms], signal).then(() => undefined),
    getVariables: () =>
      ask(id, 'getVariables', [], new AbortController().signal) as Promise<Record<string, string>>,
    log: (level, message) => send({ kind: 'log', id, level, message }),
    emitDialog: (dialog) =>
      ask(id, 'emitDialog', [dialog], new AbortController().signal).then(() => undefined),
  };
}

function ready(): ScriptSandbox {
  if (!sandbox) throw new Error('sandbox host got work before its settings');
  return sandbox;
}

process.on('message', (batch: ToHost[]) => {
  for (const message of batch) handle(message);
});

function handle(message: ToHost): void {
  switch (message.kind) {
    case 'settings':
      sandbox = createLocalSandbox({
        ...message.settings,
        entries: {
          javascript: new URL('./quickjs-worker.mjs', import.meta.url),
          python: new URL('./pyodide-worker.mjs', import.meta.url),
        },
      });
      return;
    case 'run': {
      const controller = new AbortController();
      runs.set(message.id, controller);
      const { id, language, mode, code, variables, limits } = message;
      void ready()
        .run({
          language,
          mode,
          code,
          variables,
          capabilities: capabilitiesOf(id),
          signal: controller.signal,
          ...(limits ? { limits } : {}),
        })
        .then((result) => {
          runs.delete(id);
          send({ kind: 'done', id, result });
        });
      return;
    }
    case 'cancel':
      runs.get(message.id)?.abort();
      return;
    case 'check':
      void ready()
        .checkSyntax({ language: message.language, mode: message.mode, code: message.code })
        .then((result) => send({ kind: 'checked', id: message.id, result }));
      return;
    case 'warmUp':
      void ready()
        .warmUp(message.languages)
        .then(() => send({ kind: 'warmed', id: message.id }));
      return;
    case 'reply': {
      const call = calls.get(message.callId);
      calls.delete(message.callId);
      if (!call) return;
      if (message.ok) call.resolve(message.value);
      else call.reject(new Error(message.error ?? 'host call failed'));
      return;
    }
  }
}

// The backend ends us by closing the channel (or SIGKILL); a lost backend must not leave us behind.
process.on('disconnect', () => process.exit(0));
setInterval(() => send({ kind: 'beat' }), 1000);
