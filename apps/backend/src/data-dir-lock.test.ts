// The data dir lock against real processes: a live holder is never taken over and is named in the
// refusal; a lock left by a killed process, by a reused pid (same pid, other start time) or a
// half-written one from a crash is taken over.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, acquireDataDirLock, readDataDirLockHolder } from './data-dir-lock.ts';
import { processStartTime } from './process-identity.ts';

const holderScript = join(import.meta.dirname, 'testing', 'hold-data-dir-lock.ts');

/** A separate node process that takes the lock and keeps it until killed. */
async function startHolder(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) done();
    });
    child.once('exit', (code) => fail(new Error(`holder exited with ${code}`)));
  });
  return {
    pid: child.pid ?? 0,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('data dir lock', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gencaster-lock-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second opener while the holder lives, naming pid, since and command', async () => {
    const holder = await startHolder(dataDir);
    try {
      const refusal = acquireDataDirLock({ dataDir });
      await expect(refusal).rejects.toMatchObject({
        code: 'CONFLICT',
        details: { pid: holder.pid, command: 'test holder' },
      });
      await expect(refusal).rejects.toThrow(
        new RegExp(
          `in use by pid ${holder.pid} \\(since \\d{4}-\\d\\d-\\d\\dT[^:]+:\\d\\d:\\d\\d\\.\\d+Z: test holder\\)`,
        ),
      );
      expect(readDataDirLockHolder(dataDir)?.pid).toBe(holder.pid);
      // the lock file is owner-only
      expect(statSync(join(dataDir, DATA_DIR_LOCK_FILE)).mode & 0o777).toBe(0o600);
    } finally {
      await holder.kill9();
    }
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const holder = await startHolder(dataDir);
    await holder.kill9();
    expect(readDataDirLockHolder(dataDir)).toBeUndefined();
    await using lock = await acquireDataDirLock({ dataDir, command: 'successor' });
    expect(lock.holder.pid).toBe(process.pid);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'successor',
    });
  });

  it('takes over a lock whose pid now belongs to another process (other start time)', async () => {
    // Our own pid is alive, but the lock says it started at another time: a reused pid.
    const start = processStartTime(process.pid);
    writeFileSync(
      join(dataDir, DATA_DIR_LOCK_FILE),
      JSON.stringify({
        pid: process.pid,
        startTime: String(Number(start) - 1),
        since: '2020-01-01T00:00:00.000Z',
        command: 'long gone',
        nonce: 'x',
      }),
    );
    expect(readDataDirLockHolder(dataDir)).toBeUndefined();
    const lock = await acquireDataDirLock({ dataDir });
    expect(lock.holder.startTime).toBe(start);
    await lock.release();
    expect(() => statSync(lock.path)).toThrow();
  });

  it('waits for a just-created unreadable lock, takes over an old half-written one', async () => {
    const path = join(dataDir, DATA_DIR_LOCK_FILE);
    writeFileSync(path, '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    await using lock = await acquireDataDirLock({ dataDir });
    expect(lock.holder.pid).toBe(process.pid);
  });

  it('release keeps a lock that is no longer ours', async () => {
    const lock = await acquireDataDirLock({ dataDir });
    const foreign = JSON.stringify({ ...lock.holder, nonce: 'someone else' });
    writeFileSync(lock.path, foreign);
    await lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe(foreign);
  });
});
