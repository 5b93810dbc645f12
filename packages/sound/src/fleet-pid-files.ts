import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat } from './process-tools.ts';
import type { SoundLogger } from './sound-logger.ts';

/** One fleet child as written to `<dir>/<name>.json`. */
export interface PidRecord {
  name: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat at record time: a reused pid has another start time. */
  startTime: number;
  launcherPid: number;
  launcherStartTime: number;
}

/** Records the children of one launcher so that the next start can end what a crash left. */
export interface PidFileStore {
  readonly dir: string;
  /** Writes the record of a child that just started (no-op if it is already gone). */
  record(name: string, pid: number): void;
  /** Drops the record of `name` (only if it still names `pid`, when given). */
  remove(name: string, pid?: number): void;
}

const fileName = (name: string): string => `${name.replaceAll('/', '__')}.json`;

/** Creates the store in `dir` (root-owned 0700 when the launcher is root: the sound user must not forge it). */
export function createPidFileStore(dir: string): PidFileStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const me = readProcStat(process.pid);
  return {
    dir,
    record(name, pid) {
      const stat = readProcStat(pid);
      if (!stat) return;
      const record: PidRecord = {
        name,
        pid,
        startTime: stat.startTime,
        launcherPid: process.pid,
        launcherStartTime: me?.startTime ?? 0,
      };
      writeFileSync(join(dir, fileName(name)), JSON.stringify(record), { mode: 0o600 });
    },
    remove(name, pid) {
      const file = join(dir, fileName(name));
      if (pid !== undefined) {
        const stored = readRecord(file);
        if (stored && stored.pid !== pid) return;
      }
      rmSync(file, { force: true });
    },
  };
}

function readRecord(file: string): PidRecord | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidRecord>;
    if (typeof value.pid !== 'number' || typeof value.startTime !== 'number') return null;
    return value as PidRecord;
  } catch {
    return null;
  }
}

/** Whether `pid` is alive and is still the process that had `startTime`. */
export function isSameProcess(pid: number, startTime: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.startTime === startTime;
}

/** What {@link endLeftovers} found. */
export interface LeftoverReport {
  /** Records whose process was still ours and was killed. */
  ended: PidRecord[];
  /** Records whose pid is gone or now belongs to another process (left alone). */
  stale: PidRecord[];
}

/**
 * Ends what an earlier launcher of this run dir left behind (a launcher killed before pdeathsig
 * existed here, a scsynth outside a PID namespace): every record whose pid still has the recorded
 * start time is SIGKILLed (its process group too, when it leads one, as every fleet child does);
 * a pid now used by an unrelated process (other start time) is never signalled. Throws, touching
 * nothing, if the launcher that wrote a record is still running: two fleets on one run dir would
 * fight over its ports, status and configs.
 */
export function endLeftovers(dir: string, logger: SoundLogger): LeftoverReport {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return { ended: [], stale: [] };
  }
  const records = files
    .map((file) => ({ file: join(dir, file), record: readRecord(join(dir, file)) }))
    .filter((entry): entry is { file: string; record: PidRecord } => entry.record !== null);
  for (const { record } of records) {
    if (isSameProcess(record.launcherPid, record.launcherStartTime)) {
      throw new Error(
        `a sound fleet launched by pid ${record.launcherPid} is still running in ${dir}: stop it first (or use another data dir)`,
      );
    }
  }
  const report: LeftoverReport = { ended: [], stale: [] };
  for (const { file, record } of records) {
    const stat = readProcStat(record.pid);
    if (stat && stat.startTime === record.startTime) {
      const target = stat.pgid === record.pid ? -record.pid : record.pid;
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      report.ended.push(record);
      logger.warn(
        { child: record.name, pid: record.pid, launcherPid: record.launcherPid },
        `ended ${record.name} (pid ${record.pid}) left behind by an earlier launcher`,
      );
    } else {
      report.stale.push(record);
    }
    rmSync(file, { force: true });
  }
  return report;
}
