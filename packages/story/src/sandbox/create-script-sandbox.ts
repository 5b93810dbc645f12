// The ScriptSandbox the backend uses: a client of the sandbox host process, which runs in an OS
// box (sandbox-box.ts) and is supervised here: started on first use, failed runs reported when it
// dies, restarted with backoff, killed when it stops answering.
import { createLazyAbort, type LazyAbort } from './lazy-abort.ts';
import { createMessageBatcher } from './message-batcher.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { boxCommand, boxRuntimeDir, probeBox, type BoxProbe } from './sandbox-box.ts';
import type { FromHost, HostSettings, ToHost } from './sandbox-host-protocol.ts';
import { sandboxRuntimeDir } from './sandbox-runtime-files.ts';
import type {
  ScriptCapabilities,
  ScriptLanguage,
  ScriptRunRequest,
  ScriptRunResult,
  ScriptSandbox,
  SyntaxCheckResult,
} from './sandbox-types.ts';

/** Options of {@link createScriptSandbox}; every field has a default. */
export interface ScriptSandboxOptions extends HostSettings {
  /**
   * Run scripts even where the OS box cannot be set up (only Node's permission model then holds
   * the host process). Off by default: without the box, script runs fail with `unavailable`.
   */
  allowUnconfined?: boolean;
  /** Where lines about the host process go (start, crash, restart). */
  onLog?: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** How the box is checked (default {@link inspectSandboxConfinement}; tests pass a failing one). */
  inspectConfinement?: () => Promise<SandboxConfinement>;
}

/** How the sandbox host is confined on this machine; see {@link inspectSandboxConfinement}. */
export interface SandboxConfinement extends BoxProbe {
  runtimeDir: string;
}

let cachedProbe: Promise<SandboxConfinement> | undefined;

/** Checks (once per process) whether the OS box works here; for `gencaster doctor` and start. */
export function inspectSandboxConfinement(): Promise<SandboxConfinement> {
  cachedProbe ??= sandboxRuntimeDir().then(async (runtimeDir) => ({
    ...(await probeBox(runtimeDir)),
    runtimeDir,
  }));
  return cachedProbe;
}

interface PendingRun {
  capabilities: ScriptCapabilities;
  calls: LazyAbort;
  finish: (result: ScriptRunResult) => void;
}

interface Host {
  child: ChildProcess;
  lastMessage: number;
  send: (message: ToHost) => void;
}

const failed = (kind: 'crashed' | 'unavailable', message: string): ScriptRunResult => ({
  ok: false,
  changed: {},
  deleted: [],
  error: { kind, message },
});

/**
 * Creates the sandbox. No user code ever runs in the calling process: JavaScript runs in QuickJS
 * and Python in Pyodide, inside worker threads of a separate host process that runs as an
 * unprivileged user in its own namespaces, without network, processes or a view of the data dir.
 * A crashed or hung host fails the runs it had (`crashed`) and is replaced on the next run.
 *
 * @example
 * await using sandbox = createScriptSandbox();
 * const result = await sandbox.run({ language: 'javascript', mode: 'condition', code: "vars.a === '1'", variables: { a: '1' }, capabilities });
 */
export function createScriptSandbox(options: ScriptSandboxOptions = {}): ScriptSandbox {
  const {
    allowUnconfined = false,
    onLog = () => undefined,
    inspectConfinement = inspectSandboxConfinement,
    ...settings
  } = options;
  const runs = new Map<number, PendingRun>();
  const checks = new Map<number, (result: SyntaxCheckResult) => void>();
  const warmUps = new Map<number, () => void>();
  let nextId = 1;
  let host: Promise<Host> | undefined;
  let closed = false;
  let failures = 0;
  let restartAt = 0;
  // The host is ended once nothing ran for the Python idle time: ending a worker thread does not
  // give its memory back to the system (the process keeps its heap), ending the process does.
  const hostIdleMs = settings.pythonIdleMs ?? 10 * 60_000;
  let lastActivity = Date.now();
  const retired = new WeakSet<ChildProcess>();

  const start = async (): Promise<Host> => {
    const confinement = await inspectConfinement();
    if (!confinement.ok && !allowUnconfined)
      throw Object.assign(new Error(`scripts are disabled: ${confinement.reason}`), {
        unavailable: true,
      });
    if (!confinement.ok)
      onLog('warning', `script sandbox runs WITHOUT the OS box: ${confinement.reason}`);
    const wait = restartAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const box = boxCommand({
      runtimeDir: confinement.runtimeDir,
      nodeArgs: [`${boxRuntimeDir}/host.mjs`],
      ipc: true,
      unconfined: !confinement.ok,
    });
    const child = spawn(box.command, box.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
      env: {},
    });
    const started: Host = {
      child,
      lastMessage: Date.now(),
      send: createMessageBatcher<ToHost>((batch) => {
        if (child.connected) child.send(batch);
      }),
    };
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    child.on('message', (batch: FromHost[]) => {
      for (const message of batch) onMessage(started, message);
    });
    child.on('exit', (code, signal) => {
      if (retired.has(child)) return; // ended for being idle: nothing was pending
      host = undefined;
      failures += 1;
      restartAt = Date.now() + Math.min(5000, 100 * 2 ** Math.min(failures, 6));
      const why = `sandbox process stopped (${signal ?? `exit code ${code}`})`;
      if (!closed)
        onLog('error', `${why}; it is restarted on the next run. ${stderr.trim().slice(-500)}`);
      for (const run of runs.values()) {
        run.calls.abort();
        run.finish(failed('crashed', `${why}; the run was lost`));
      }
      runs.clear();
      for (const check of checks.values()) check({ ok: false, line: 1, column: 1, message: why });
      checks.clear();
      for (const warmed of warmUps.values()) warmed();
      warmUps.clear();
    });
    started.send({ kind: 'settings', settings });
    onLog(
      'info',
      `script sandbox started (pid ${child.pid}, user ${box.user.name}, ${confinement.ok ? 'boxed' : 'unconfined'})`,
    );
    return started;
  };

  const ensureHost = (): Promise<Host> => {
    if (closed) return Promise.reject(new Error('sandbox is closed'));
    lastActivity = Date.now();
    host ??= start();
    host.catch(() => {
      host = undefined;
    });
    return host;
  };

  const onMessage = (from: Host, message: FromHost): void => {
    from.lastMessage = Date.now();
    if (message.kind !== 'beat') {
      failures = 0;
      lastActivity = Date.now();
    }
    switch (message.kind) {
      case 'beat':
        return;
      case 'done': {
        const run = runs.get(message.id);
        runs.delete(message.id);
        run?.calls.abort();
        run?.finish(message.result);
        return;
      }
      case 'checked':
        checks.get(message.id)?.(message.result);
        checks.delete(message.id);
        return;
      case 'warmed':
        warmUps.get(message.id)?.();
        warmUps.delete(message.id);
        return;
      case 'log': {
        const level = message.level;
        runs
          .get(message.id)
          ?.capabilities.log(
            level === 'debug' || level === 'warning' || level === 'error' ? level : 'info',
            String(message.message),
          );
        return;
      }
      case 'call':
        answerCall(from, message);
        return;
    }
  };

  const answerCall = (from: Host, message: Extract<FromHost, { kind: 'call' }>): void => {
    const run = runs.get(message.id);
    const reply = (ok: boolean, value?: unknown, error?: string): void =>
      from.send({ kind: 'reply', callId: message.callId, ok, value, error });
    if (!run) return reply(false, undefined, 'script run is over');
    const caps = run.capabilities;
    const signal = run.calls.signal;
    const [first] = message.args;
    const call = async (): Promise<unknown> => {
      switch (message.method) {
        case 'waitForVariable':
          return caps.waitForVariable(String(first), Number(message.args[1]) || 0, signal);
        case 'sleep':
          return caps.sleep(Number(first) || 0, signal);
        case 'getVariables':
          return caps.getVariables();
        case 'emitDialog':
          return caps.emitDialog(first);
        case 'log':
          return undefined;
      }
    };
    call().then(
      (value) => reply(true, value ?? null),
      (error: unknown) =>
        reply(false, undefined, error instanceof Error ? error.message : String(error)),
    );
  };

  /** Ends an idle host (nothing pending, nothing done for `hostIdleMs`); the next run starts one. */
  const retireIfIdle = (current: Host): void => {
    const idle = runs.size === 0 && checks.size === 0 && warmUps.size === 0;
    if (!idle || Date.now() - lastActivity < hostIdleMs) return;
    retired.add(current.child);
    host = undefined;
    onLog(
      'info',
      `script sandbox idle for ${Math.round(hostIdleMs / 1000)} s: its process ends until the next run`,
    );
    current.child.disconnect();
    setTimeout(() => current.child.kill('SIGKILL'), 2000).unref();
  };

  // A host whose event loop stopped answering (it beats every second) is killed and replaced.
  const watchdog = setInterval(() => {
    void host?.then(
      (current) => retireIfIdle(current),
      () => undefined,
    );
    void host?.then(
      (current) => {
        if (Date.now() - current.lastMessage > 15_000) {
          onLog('error', 'sandbox process stopped answering; killing it');
          current.child.kill('SIGKILL');
        }
      },
      () => undefined,
    );
  }, 2000);
  watchdog.unref();

  const close = async (): Promise<void> => {
    closed = true;
    clearInterval(watchdog);
    const current = await host?.catch(() => undefined);
    if (!current || current.child.exitCode !== null || current.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      current.child.once('exit', () => resolve());
      current.child.disconnect();
      setTimeout(() => current.child.kill('SIGKILL'), 2000).unref();
    });
  };

  const unavailable = (error: unknown): ScriptRunResult =>
    (error as { unavailable?: boolean }).unavailable
      ? failed('unavailable', (error as Error).message)
      : failed('crashed', `sandbox process could not start: ${(error as Error).message}`);

  return {
    async run(request: ScriptRunRequest): Promise<ScriptRunResult> {
      let current: Host;
      try {
        current = await ensureHost();
      } catch (error) {
        return unavailable(error);
      }
      const id = nextId++;
      return new Promise<ScriptRunResult>((resolve) => {
        const onAbort = (): void => current.send({ kind: 'cancel', id });
        request.signal?.addEventListener('abort', onAbort, { once: true });
        runs.set(id, {
          capabilities: request.capabilities,
          calls: createLazyAbort(),
          finish: (result) => {
            request.signal?.removeEventListener('abort', onAbort);
            resolve(result);
          },
        });
        const { language, mode, code, variables, limits } = request;
        current.send({
          kind: 'run',
          id,
          language,
          mode,
          code,
          variables,
          ...(limits ? { limits } : {}),
        });
        if (request.signal?.aborted) onAbort();
      });
    },
    async checkSyntax(request): Promise<SyntaxCheckResult> {
      let current: Host;
      try {
        current = await ensureHost();
      } catch (error) {
        return { ok: false, line: 1, column: 1, message: (error as Error).message };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        checks.set(id, resolve);
        current.send({
          kind: 'check',
          id,
          language: request.language,
          mode: request.mode ?? 'cell',
          code: request.code,
        });
      });
    },
    async warmUp(languages: ScriptLanguage[] = ['javascript', 'python']) {
      const current = await ensureHost().catch(() => undefined);
      if (!current) return;
      const id = nextId++;
      await new Promise<void>((resolve) => {
        warmUps.set(id, resolve);
        current.send({ kind: 'warmUp', id, languages });
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
