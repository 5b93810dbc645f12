import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PidFileStore } from './fleet-pid-files.ts';
import type { SoundLogger } from './sound-logger.ts';
import { wrapCommand, type LaunchOptions, type SoundUser } from './sound-user.ts';
import { delay, findChildren, waitForExit } from './process-tools.ts';

/** Lifecycle state of a {@link SupervisedProcess}. */
export type ProcessState = 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';

/** Options of {@link createSupervisedProcess}. */
export interface SupervisedProcessOptions {
  /** Name in logs and status, e.g. `point-1/jackd`. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logger: SoundLogger;
  /** Called with every stdout/stderr line (after logging it at debug level). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Resolves once a fresh child is usable; a throw kills it and counts as a failed start. */
  readiness?: (pid: number) => Promise<unknown>;
  /** Runs after every successful (re)start, e.g. to re-link dependants. */
  onReady?: () => Promise<void> | void;
  /** Runs after an unexpected exit, before the backoff wait (e.g. to stop dependants). */
  onCrash?: () => Promise<void> | void;
  /** Runs before the child is signalled on stop/restart (e.g. OSC /quit); errors are logged. */
  beforeStop?: (pid: number) => Promise<void> | void;
  /** Checked before each automatic restart; false leaves the child stopped (a parent restarts it). */
  shouldRestart?: () => boolean;
  /** Signal for a graceful stop (default SIGTERM; gst-launch cleans up only on SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** stop signal → SIGKILL grace in ms (default 3000). */
  graceMs?: number;
  /**
   * Run as this user through setpriv, tied to the launcher's life (`--pdeathsig SIGKILL`); without
   * it the child runs unwrapped (tests of the supervisor itself).
   */
  user?: SoundUser;
  /** PID namespace / realtime limits of the wrapped child (see {@link wrapCommand}). */
  launch?: LaunchOptions;
  /** Where the child's pid and start time are recorded while it runs. */
  pidFiles?: PidFileStore;
  /** First restart delay in ms, doubled per consecutive failure up to `maxBackoffMs` (default 250). */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Point-in-time view of one supervised child. */
export interface ProcessStatus {
  name: string;
  pid: number | null;
  state: ProcessState;
  /** Milliseconds since the current child started, 0 when not running. */
  uptimeMs: number;
  /** Restarts after the first start (crashes and dependency re-links alike). */
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

/**
 * One child process kept alive: output goes line by line to the structured logger under the child's
 * name; an unexpected exit triggers `onCrash`, then a restart after exponential backoff (reset once a
 * child stayed up for 10 s). Operations are serialised, so a crash during `stop()` never resurrects
 * the child. Children get their own process group; `stop()` ends with SIGKILL to the group.
 */
export interface SupervisedProcess {
  readonly name: string;
  /** Starts the child and waits for readiness; throws if the first start fails. */
  start(): Promise<void>;
  /** Stops (graceful, then SIGKILL) and starts again, counting a restart. */
  restart(reason: string): Promise<void>;
  /** Stops the child for good (until the next `start`). */
  stop(): Promise<void>;
  status(): ProcessStatus;
  pid(): number | null;
}

/** Creates a {@link SupervisedProcess}; nothing runs until `start()`. */
export function createSupervisedProcess(options: SupervisedProcessOptions): SupervisedProcess {
  const { name, logger } = options;
  const graceMs = options.graceMs ?? 3000;
  const backoffMs = options.backoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 8000;
  let child: ChildProcess | null = null;
  /** With a PID namespace: the real program, child of the spawned unshare. */
  let inner: number | null = null;
  let state: ProcessState = 'idle';
  let startedAt = 0;
  let restarts = 0;
  let failures = 0;
  let wanted = false;
  let lastExit: ProcessStatus['lastExit'] = null;
  let chain: Promise<unknown> = Promise.resolve();
  const intentional = new WeakSet<ChildProcess>();
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = chain.then(op, op);
    chain = next.catch(() => undefined);
    return next;
  };

  const spawnOnce = async (): Promise<void> => {
    state = 'starting';
    inner = null;
    const argv = options.user
      ? wrapCommand(options.user, options.command, options.args, options.launch)
      : { command: options.command, args: [...options.args] };
    const proc = spawn(argv.command, argv.args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    startedAt = Date.now();
    const spawned = new Promise<void>((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', reject);
    });
    const tail: string[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: proc[stream] }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 5) tail.shift();
        logger.debug({ child: name, stream }, line);
        options.onLine?.(line, stream);
      });
    }
    const exitedEarly = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) =>
        // Give readline a moment to deliver the last lines (the reason, e.g. "Too many servers").
        setTimeout(
          () =>
            reject(
              new Error(
                `${name} exited during start (code ${code}, signal ${signal}): ${tail.join(' | ')}`,
              ),
            ),
          50,
        ),
      ),
    );
    exitedEarly.catch(() => undefined);
    proc.once('exit', (code, signal) => {
      lastExit = { code, signal, at: new Date().toISOString() };
      if (proc.pid !== undefined) options.pidFiles?.remove(name, proc.pid);
      if (child === proc) {
        child = null;
        inner = null;
      }
      // Exits during a start are reported by spawnOnce itself; intentional kills are not crashes.
      if (wanted && state === 'running' && !intentional.has(proc)) {
        void serial(() => handleCrash(proc, Date.now() - startedAt));
      }
    });
    await spawned;
    const pid = proc.pid;
    if (pid === undefined) throw new Error(`${name}: no pid`);
    trackGroup(pid, proc);
    options.pidFiles?.record(name, pid);
    const namespaced = options.launch?.pidNamespace === true && options.user?.switchUser === true;
    if (namespaced) {
      try {
        inner = await Promise.race([innerPid(pid), exitedEarly]);
      } catch (error) {
        await killChild(proc);
        throw error;
      }
    }
    logger.info({ child: name, pid: inner ?? pid }, `${name} started`);
    if (options.readiness) {
      try {
        await Promise.race([options.readiness(inner ?? pid), exitedEarly]);
      } catch (error) {
        await killChild(proc);
        throw error;
      }
    }
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`${name} exited during start`);
    state = 'running';
    try {
      await options.onReady?.();
    } catch (error) {
      logger.error({ child: name, err: String(error) }, `${name}: onReady failed`);
    }
  };

  const handleCrash = async (proc: ChildProcess, uptimeMs: number): Promise<void> => {
    if (!wanted || (child !== null && child !== proc)) return;
    const pid = proc.pid ?? null;
    logger.warn({ child: name, pid, lastExit, uptimeMs }, `${name} exited unexpectedly`);
    failures = uptimeMs > 10_000 ? 1 : failures + 1;
    state = 'backoff';
    try {
      await options.onCrash?.();
    } catch (error) {
      logger.error({ child: name, err: String(error) }, `${name}: crash handler failed`);
    }
    while (wanted) {
      const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1));
      await delay(wait);
      if (!wanted) return;
      if (options.shouldRestart && !options.shouldRestart()) {
        logger.info({ child: name }, `${name}: not restarting, waiting for its parent`);
        state = 'stopped';
        return;
      }
      restarts++;
      try {
        await spawnOnce();
        return;
      } catch (error) {
        failures++;
        state = 'backoff';
        logger.warn({ child: name, err: String(error) }, `${name}: restart failed`);
      }
    }
  };

  const killChild = async (proc: ChildProcess): Promise<void> => {
    const pid = proc.pid;
    if (pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    intentional.add(proc);
    if (options.beforeStop) {
      try {
        await options.beforeStop(pid);
      } catch (error) {
        logger.warn({ child: name, err: String(error) }, `${name}: beforeStop failed`);
      }
    }
    const stopSignal = options.stopSignal ?? 'SIGTERM';
    signalGroup(pid, stopSignal);
    if (!(await waitForExit(proc, graceMs))) {
      logger.warn({ child: name, pid }, `${name} ignored ${stopSignal} for ${graceMs} ms: SIGKILL`);
      signalGroup(pid, 'SIGKILL');
      await waitForExit(proc, 2000);
    }
    signalGroup(pid, 'SIGKILL'); // leftovers in the child's process group
  };

  const stopNow = async (): Promise<void> => {
    state = 'stopping';
    const proc = child;
    if (proc) await killChild(proc);
    child = null;
    state = 'stopped';
  };

  return {
    name,
    start: () =>
      serial(async () => {
        wanted = true;
        failures = 0;
        await spawnOnce();
      }),
    restart: (reason) =>
      serial(async () => {
        logger.info({ child: name, reason }, `restarting ${name}`);
        await stopNow();
        wanted = true;
        restarts++;
        await spawnOnce();
      }),
    stop: () => {
      wanted = false;
      return serial(stopNow);
    },
    status: () => ({
      name,
      pid: inner ?? child?.pid ?? null,
      state,
      uptimeMs: child && state === 'running' ? Date.now() - startedAt : 0,
      restarts,
      lastExit,
    }),
    pid: () => inner ?? child?.pid ?? null,
  };
}

/** The one child of a spawned `unshare --fork`: the program itself (appears within milliseconds). */
async function innerPid(outer: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const found = findChildren(outer)[0];
    if (found !== undefined) return found;
    await delay(20);
  }
  throw new Error(`no process inside the PID namespace of ${outer}`);
}

/** Process groups of live children of this Node process, killed if it exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number, proc: ChildProcess): void {
  liveGroups.add(pid);
  proc.once('exit', () => liveGroups.delete(pid));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Safety net: children run in their own process groups (so a terminal's Ctrl-C does not hit
  // them before an orderly stop); if the launcher exits or throws without stopping them, they die
  // with it instead of becoming orphans. (Not reachable on SIGKILL of the launcher.)
  process.once('exit', () => liveGroups.forEach((group) => signalGroup(group, 'SIGKILL')));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
