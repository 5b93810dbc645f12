import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPidFileStore, endLeftovers, type PidRecord } from './fleet-pid-files.ts';
import { readProcStat, waitUntil } from './process-tools.ts';
import { silentSoundLogger } from './sound-logger.ts';

/** A pid that no live process has (a child that already exited). */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('pid files of fleet children (real processes)', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const sleeper = () => {
    const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    children.push(child);
    return child;
  };
  afterEach(() => {
    children.splice(0).forEach((child) => child.kill('SIGKILL'));
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });
  const plant = (dir: string, record: PidRecord) =>
    writeFileSync(join(dir, `${record.name.replaceAll('/', '__')}.json`), JSON.stringify(record));

  it('ends a leftover of a dead launcher but never a reused pid (other start time)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-pids-'));
    dirs.push(dir);
    const leftover = sleeper();
    const unrelated = sleeper();
    await waitUntil(
      'both sleepers',
      () => readProcStat(unrelated.pid!) && readProcStat(leftover.pid!),
      {
        timeoutMs: 2000,
      },
    );
    const launcherPid = await deadPid();
    plant(dir, {
      name: 'point-1/jackd',
      pid: leftover.pid!,
      startTime: readProcStat(leftover.pid!)!.startTime,
      launcherPid,
      launcherStartTime: 1,
    });
    // Same pid as a live process, but the record's process started at another time.
    plant(dir, {
      name: 'point-1/sclang',
      pid: unrelated.pid!,
      startTime: readProcStat(unrelated.pid!)!.startTime - 1,
      launcherPid,
      launcherStartTime: 1,
    });
    const report = endLeftovers(dir, silentSoundLogger);
    expect(report.ended.map((r) => r.name)).toEqual(['point-1/jackd']);
    expect(report.stale.map((r) => r.name)).toEqual(['point-1/sclang']);
    await waitUntil('the leftover gone', () => readProcStat(leftover.pid!) === null, {
      timeoutMs: 2000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readProcStat(unrelated.pid!), 'the unrelated process was signalled').not.toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to touch anything while the launcher that wrote the records still runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-pids-'));
    dirs.push(dir);
    const child = sleeper();
    createPidFileStore(dir).record('janus', child.pid!);
    expect(() => endLeftovers(dir, silentSoundLogger)).toThrow(/still running/);
    expect(readProcStat(child.pid!)).not.toBeNull();
    expect(readdirSync(dir)).toEqual(['janus.json']);
  });
});
