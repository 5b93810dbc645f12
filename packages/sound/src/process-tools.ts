import { execFile, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits up to `timeoutMs` for a spawned child to exit; returns whether it did. */
export function waitForExit(proc: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than `undefined`/`false`, or throws
 * after `timeoutMs` with a message naming `what`.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: string | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error instanceof Error ? error.message : JSON.stringify(error);
    }
    if (Date.now() >= deadline) {
      const detail = lastError === undefined ? '' : ` (last error: ${lastError})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(intervalMs);
  }
}

/** Output of {@link runCommand}. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived helper (e.g. `jack_lsp`) with a timeout; never throws on a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  { timeoutMs = 5000, env }: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, env: env ?? process.env, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The fields of `/proc/<pid>/stat` the fleet uses. */
export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  /** Process group id (field 5). */
  pgid: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  /** Start time after boot in clock ticks (field 22): with the pid, it names one process for good. */
  startTime: number;
}

/** Reads `/proc/<pid>/stat`; `null` if the process is gone. Zombies count as gone. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  const state = fields[0] ?? '?';
  if (state === 'Z' || state === 'X') return null;
  return {
    comm: text.slice(open + 1, close),
    state,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    startTime: Number(fields[19]),
  };
}

/** Whether a live (non-zombie) process with this PID exists. */
export function isPidAlive(pid: number): boolean {
  return readProcStat(pid) !== null;
}

/** PIDs of live processes whose parent is `ppid` and (optionally) whose command name is `comm`. */
export function findChildren(ppid: number, comm?: string): number[] {
  const result: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.ppid === ppid && (comm === undefined || stat.comm === comm))
      result.push(Number(entry));
  }
  return result;
}

/** Real and effective uid of a live process (`/proc/<pid>/status`), or null if it is gone. */
export function readProcUids(pid: number): { real: number; effective: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text);
  return match ? { real: Number(match[1]), effective: Number(match[2]) } : null;
}

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux this runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Resident memory of a live process in bytes (`VmRSS` of `/proc/<pid>/status`), or null. */
export function readResidentBytes(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text)?.[1];
  return kib === undefined ? null : Number(kib) * 1024;
}

/** Every live descendant of `pid` (children, their children, …) with its command name. */
export function listDescendants(pid: number): { pid: number; comm: string }[] {
  const byParent = new Map<number, { pid: number; comm: string }[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (!stat) continue;
    const siblings = byParent.get(stat.ppid) ?? [];
    siblings.push({ pid: Number(entry), comm: stat.comm });
    byParent.set(stat.ppid, siblings);
  }
  const found: { pid: number; comm: string }[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}
