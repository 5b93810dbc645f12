import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChildren, isPidAlive, readProcUids, waitUntil } from './process-tools.ts';
import { resolveSoundUser } from './sound-user.ts';
import type { SoundLogger } from './sound-logger.ts';
import { createSupervisedProcess, type SupervisedProcess } from './supervised-process.ts';

function collectingLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const push = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  const logger: SoundLogger = {
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
  };
  return { lines, logger };
}

/** Live `sleep <seconds>` processes (the test's own, by their unique duration). */
function sleepers(seconds: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && isPidAlive(Number(entry)))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8') === `sleep\0${seconds}\0`;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('createSupervisedProcess (real child processes)', () => {
  const started: SupervisedProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });
  const supervise = (options: Parameters<typeof createSupervisedProcess>[0]) => {
    const proc = createSupervisedProcess(options);
    started.push(proc);
    return proc;
  };

  it('logs output lines under the child name and stops the whole process group', async () => {
    const { lines, logger } = collectingLogger();
    const proc = supervise({
      name: 'demo',
      command: 'sh',
      args: ['-c', 'echo hello; sleep 60 & sleep 60'],
      logger,
    });
    await proc.start();
    const pid = proc.pid()!;
    await waitUntil('hello', () => lines.some((l) => l.msg === 'hello' && l.obj.child === 'demo'), {
      timeoutMs: 5000,
    });
    const grandchildren = await waitUntil(
      'both sleeps',
      () => (findChildren(pid, 'sleep').length === 2 ? findChildren(pid, 'sleep') : undefined),
      { timeoutMs: 5000 },
    );
    await proc.stop();
    expect(isPidAlive(pid)).toBe(false);
    // SIGKILL to the group is delivered asynchronously: the orphaned sleep may need a moment.
    await waitUntil('grandchildren gone', () => grandchildren.every((c) => !isPidAlive(c)), {
      timeoutMs: 3000,
    });
    expect(proc.status()).toMatchObject({ state: 'stopped', pid: null, restarts: 0 });
  });

  it('restarts a crashing child with growing backoff and counts restarts', async () => {
    const { lines, logger } = collectingLogger();
    const proc = supervise({
      name: 'crasher',
      command: 'sh',
      args: ['-c', 'sleep 0.1; exit 3'],
      logger,
      backoffMs: 100,
    });
    await proc.start();
    await waitUntil('three restarts', () => proc.status().restarts >= 3, { timeoutMs: 5000 });
    const crashes = lines.filter((l) => l.msg === 'crasher exited unexpectedly');
    expect(crashes.length).toBeGreaterThanOrEqual(3);
    expect(proc.status().lastExit?.code).toBe(3);
    await proc.stop();
    const restarts = proc.status().restarts;
    await new Promise((r) => setTimeout(r, 600));
    expect(proc.status().restarts).toBe(restarts); // nothing resurrected after stop
  });

  it('runs onCrash before restarting, and leaves the child down when shouldRestart says no', async () => {
    const { logger } = collectingLogger();
    const events: string[] = [];
    let allow = false;
    const proc = supervise({
      name: 'dependant',
      command: 'sleep',
      args: ['60'],
      logger,
      backoffMs: 50,
      onCrash: () => void events.push('crash'),
      shouldRestart: () => allow,
    });
    await proc.start();
    process.kill(proc.pid()!, 'SIGKILL');
    await waitUntil('stopped, waiting for a parent', () => proc.status().state === 'stopped', {
      timeoutMs: 5000,
    });
    expect(events).toEqual(['crash']);
    expect(proc.pid()).toBeNull();
    allow = true;
    await proc.restart('parent is back');
    expect(proc.status()).toMatchObject({ state: 'running', restarts: 1 });
  });

  it('escalates to SIGKILL when the stop signal is ignored', async () => {
    const { lines, logger } = collectingLogger();
    const proc = supervise({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done'],
      logger,
      graceMs: 300,
    });
    await proc.start();
    await waitUntil('trap installed', () => lines.some((l) => l.msg === 'ready'), {
      timeoutMs: 5000,
    });
    const pid = proc.pid()!;
    await proc.stop();
    expect(isPidAlive(pid)).toBe(false);
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('SIGKILL'))).toBe(true);
  });

  it('kills its children when the launcher process dies of an uncaught error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-orphan-test-'));
    try {
      const script = join(dir, 'launcher.mts');
      const module = JSON.stringify(join(import.meta.dirname, 'supervised-process.ts'));
      writeFileSync(
        script,
        `import { createSupervisedProcess } from ${module};
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const proc = createSupervisedProcess({ name: 'orphan-candidate', command: 'sleep', args: ['60'], logger });
await proc.start();
console.log('PID', proc.pid());
throw new Error('launcher crashed');`,
      );
      const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      const pid = Number(/PID (\d+)/.exec(result.stdout)?.[1]);
      expect(result.status).not.toBe(0);
      expect(pid).toBeGreaterThan(0);
      // The exit hook's SIGKILL is delivered asynchronously.
      await waitUntil('orphan gone', () => !isPidAlive(pid), { timeoutMs: 3000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Regression (issue 15): after kill -9 of the backend its fleet kept running with parent 1.
  it('SIGKILL of the launcher ends its children and their children (pdeathsig, PID namespace), run as the sound user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-orphan-test-'));
    try {
      const script = join(dir, 'launcher.mts');
      const module = (file: string) => JSON.stringify(join(import.meta.dirname, file));
      writeFileSync(
        script,
        `import { createSupervisedProcess } from ${module('supervised-process.ts')};
import { resolveSoundUser } from ${module('sound-user.ts')};
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const user = resolveSoundUser();
const plain = createSupervisedProcess({ name: 'plain', command: 'sleep', args: ['601'], logger, user });
// Like sclang booting scsynth: a grandchild that even leaves the process group.
const parent = createSupervisedProcess({ name: 'parent', command: 'sh', args: ['-c', 'setsid sleep 602 & sleep 603'], logger, user, launch: { pidNamespace: true } });
await plain.start();
await parent.start();
console.log('PIDS', plain.pid(), parent.pid());
setInterval(() => {}, 1000);`,
      );
      const launcher = spawn(process.execPath, ['--import', 'tsx', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      launcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const [plainPid, parentPid] = await waitUntil(
        'the launcher started both',
        () => /PIDS (\d+) (\d+)/.exec(out)?.slice(1).map(Number),
        { timeoutMs: 20_000 },
      );
      const grandchild = await waitUntil('the grandchild', () => sleepers('602')[0], {
        timeoutMs: 5000,
      });
      const expectedUid = process.getuid?.() === 0 ? resolveSoundUser().uid : process.getuid?.();
      for (const pid of [plainPid!, parentPid!, grandchild])
        expect(readProcUids(pid)?.effective, `uid of ${pid}`).toBe(expectedUid);
      const killedAt = Date.now();
      launcher.kill('SIGKILL');
      const alive = () => [plainPid!, parentPid!, grandchild].filter((pid) => isPidAlive(pid));
      await waitUntil('no child left', () => alive().length === 0, { timeoutMs: 2000 }).catch(
        () => {
          throw new Error(`still alive 2 s after kill -9 of the launcher: ${alive().join(', ')}`);
        },
      );
      console.warn(`kill -9 of the launcher → children gone in ${Date.now() - killedAt} ms`);
    } finally {
      for (const pid of [...sleepers('601'), ...sleepers('602'), ...sleepers('603')])
        process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails fast with the last output lines when the child exits while starting', async () => {
    const { logger } = collectingLogger();
    const proc = supervise({
      name: 'quitter',
      command: 'sh',
      args: ['-c', 'echo Too many servers already active >&2; exit 1'],
      logger,
      readiness: () => waitUntil('never', () => false, { timeoutMs: 20_000 }),
    });
    const t0 = Date.now();
    await expect(proc.start()).rejects.toThrow(
      /quitter exited during start \(code 1.*Too many servers already active/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('fails the first start when readiness fails, without leaving the child behind', async () => {
    const { logger } = collectingLogger();
    let pid = 0;
    const proc = supervise({
      name: 'never-ready',
      command: 'sleep',
      args: ['60'],
      logger,
      readiness: (p) => {
        pid = p;
        return Promise.reject(new Error('not ready'));
      },
    });
    await expect(proc.start()).rejects.toThrow('not ready');
    expect(isPidAlive(pid)).toBe(false);
  });
});
