import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const cliPath = resolve(repoRoot, 'apps/backend/src/cli.ts');

/** A `gencaster` child process (backend or sound fleet) with its log file. */
export interface GencasterProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends a signal (SIGKILL for a crash, SIGTERM for a drain) and waits for the exit, bounded. */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** The end of the log, for error messages. */
  logTail(chars?: number): Promise<string>;
}

/** Options of {@link spawnGencaster}. */
export interface SpawnGencasterOptions {
  args: string[];
  env: Record<string, string>;
  logFile: string;
}

/** Runs `gencaster <args>` (tsx on the TypeScript sources) as a child process by PID. */
export function spawnGencaster(options: SpawnGencasterOptions): GencasterProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...options.args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | NodeJS.Signals | null>((done) =>
    child.once('exit', (code, signal) => {
      log.end();
      done(signal ?? code);
    }),
  );
  if (child.pid === undefined) throw new Error(`could not start gencaster ${options.args[0]}`);
  const pid = child.pid;
  return {
    child,
    pid,
    logFile: options.logFile,
    exited,
    async signal(signal, timeoutMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((done) => {
        timer = setTimeout(() => done('late'), timeoutMs);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async logTail(chars = 3000) {
      return (await readFile(options.logFile, 'utf8').catch(() => '')).slice(-chars);
    },
  };
}

/** Polls `url` until it answers 200 with JSON (bounded); returns the body. */
export async function waitForHealthy(
  url: string,
  process: GencasterProcess,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null || process.child.signalCode !== null)
      throw new Error(`gencaster exited before it was healthy:\n${await process.logTail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (response.status === 200) return (await response.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(
    `no healthy answer from ${url} within ${timeoutMs} ms:\n${await process.logTail()}`,
  );
}
