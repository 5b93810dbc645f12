import { readFileSync } from 'node:fs';

/**
 * A process as the kernel knows it: its pid plus its start time (field 22 of /proc/<pid>/stat, in
 * clock ticks since boot). The pair names one process for the life of the machine: a pid reused by
 * a later process has another start time, so a lock or pid file never points at a stranger.
 */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** The start time of `pid` (field 22 of /proc/<pid>/stat), or undefined when no such process runs. */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field 22 is fields[19]. A zombie (Z) or dead (X) process is gone.
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

/** The command line of `pid` as one string (arguments joined by spaces), or '' when unreadable. */
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** This process's identity. */
export function currentProcessIdentity(): ProcessIdentity {
  const startTime = processStartTime(process.pid);
  if (startTime === undefined) throw new Error('cannot read /proc/self/stat (is /proc mounted?)');
  return { pid: process.pid, startTime };
}

/** True when the process named by `identity` still runs (same pid and same start time). */
export function isProcessAlive(identity: ProcessIdentity): boolean {
  return processStartTime(identity.pid) === identity.startTime;
}
