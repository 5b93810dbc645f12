// Issue 15: a backend stopped through npx (SIGINT to its process group) was gone before its fleet
// had stopped, and after kill -9 the fleet kept running with parent 1. Every route by which a
// backend ends, on a real backend with a real one-point fleet: nothing of the fleet is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFleetStatus, missingSoundBinaries, type FleetStatus } from '@gencaster/sound';
import { afterAll, describe, expect, it } from 'vitest';
import { freeTcpPort } from './cluster/free-port.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const missing = missingSoundBinaries();

interface Route {
  name: string;
  command: string[];
  /** How the backend is ended; `status.pid` is the backend (launcher) process itself. */
  end: (top: ChildProcess, status: FleetStatus) => void;
  graceful: boolean;
}

const tsxStart = ['npx', 'tsx', 'apps/backend/src/cli.ts', 'start', '--sound-points', '1'];
const routes: Route[] = [
  {
    name: 'npx tsx … start, Ctrl+C (SIGINT to the process group)',
    command: tsxStart,
    end: (top) => process.kill(-top.pid!, 'SIGINT'),
    graceful: true,
  },
  {
    // tsx re-sends the signal to its child when the child's receipt does not reach it within
    // 30 ms (a busy event loop): the backend gets SIGINT twice while it stops.
    name: 'npx tsx … start, Ctrl+C relayed twice (SIGINT to the group, then to the backend)',
    command: tsxStart,
    end: (top, status) => {
      process.kill(-top.pid!, 'SIGINT');
      setTimeout(() => process.kill(status.pid, 'SIGINT'), 50);
    },
    graceful: true,
  },
  {
    name: 'npm run gencaster -- start, Ctrl+C (SIGINT to the process group)',
    command: ['npm', 'run', 'gencaster', '--', 'start', '--sound-points', '1'],
    end: (top) => process.kill(-top.pid!, 'SIGINT'),
    graceful: true,
  },
  {
    name: 'npx tsx … start, SIGTERM to the backend',
    command: tsxStart,
    end: (_top, status) => process.kill(status.pid, 'SIGTERM'),
    graceful: true,
  },
  {
    name: 'npx tsx … start, kill -9 of the backend',
    command: tsxStart,
    end: (_top, status) => process.kill(status.pid, 'SIGKILL'),
    graceful: false,
  },
];

function alive(pid: number): boolean {
  try {
    const state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = check();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(missing.binaries.length > 0)(
  'stopping a backend with its sound fleet',
  { retry: 1 },
  () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    for (const route of routes) {
      it(route.name, { timeout: 150_000 }, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'gencaster-stop-'));
        dirs.push(dataDir);
        const env = {
          ...process.env,
          GENCASTER_DATA_DIR: dataDir,
          GENCASTER_PORT: String(await freeTcpPort()),
          GENCASTER_OSC_PORT: String(await freeTcpPort()),
          LOG_LEVEL: 'warn',
        };
        const [command, ...args] = route.command;
        const top = spawn(command!, args, {
          cwd: repoRoot,
          env,
          detached: true, // its own process group, as a terminal's foreground job
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        top.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        top.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<number | null>((done) => top.once('exit', (code) => done(code)));
        const runDir = join(dataDir, 'sound');
        try {
          const status = await until(
            'a running backend with a whole point',
            () => {
              if (top.exitCode !== null) throw new Error('exited');
              const s = readFleetStatus(runDir);
              const pids = s.points.flatMap((p) => p.processes.map((q) => q.pid));
              return output.includes('Gencaster is running') &&
                s.state === 'running' &&
                pids.every((pid) => pid !== null)
                ? s
                : undefined;
            },
            120_000,
          ).catch((error: unknown) => {
            throw new Error(`${String(error)}\n--- output ---\n${output.slice(-3000)}`);
          });
          const fleet = [
            status.janus.process.pid!,
            ...status.points.flatMap((p) => p.processes.map((q) => q.pid!)),
          ];
          const endedAt = Date.now();
          route.end(top, status);
          const code = await Promise.race([
            exited,
            new Promise<'hung'>((done) => setTimeout(() => done('hung'), 60_000)),
          ]);
          expect(code, `exit of ${route.command.join(' ')}\n${output.slice(-2000)}`).not.toBe(
            'hung',
          );
          const left = () => [status.pid, ...fleet].filter(alive);
          await until(
            'no fleet process left',
            () => (left().length === 0 ? true : undefined),
            2000,
          ).catch(() => {
            throw new Error(`still running 2 s after the backend ended: ${left().join(', ')}`);
          });
          console.warn(
            `${route.name}: backend and ${fleet.length} fleet processes gone ${Date.now() - endedAt} ms after the signal`,
          );
          if (route.graceful) {
            // An orderly stop: the fleet stopped itself (status, pid records) before the exit.
            expect(readFleetStatus(runDir).state, output.slice(-2000)).toBe('stopped');
            expect(readdirSync(join(runDir, 'pids'))).toEqual([]);
          }
        } finally {
          if (top.exitCode === null && top.signalCode === null) {
            process.kill(-top.pid!, 'SIGKILL');
            await exited;
          }
        }
      });
    }
  },
);
