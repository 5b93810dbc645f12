import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './free-port.ts';

/** Debian's redis-server binary (override with GENCASTER_REDIS_SERVER). */
export const redisServerBin = process.env.GENCASTER_REDIS_SERVER ?? '/usr/bin/redis-server';

/** A throwaway redis-server child process on 127.0.0.1 (no persistence). */
export interface LocalRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  pid(): number | undefined;
  /** SIGKILL (fault tests); `restart()` brings it back on the same port. */
  kill(): Promise<void>;
  /** Starts it again on the same port; a no-op while it runs. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why redis-server cannot start here, or undefined. */
export function localRedisUnavailable(): string | undefined {
  return existsSync(redisServerBin)
    ? undefined
    : `${redisServerBin} is missing (Debian package redis-server)`;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Starts redis-server on a free port and waits until it answers PING (at most 20 s). */
export async function startLocalRedis(): Promise<LocalRedis> {
  const reason = localRedisUnavailable();
  if (reason) throw new Error(reason);
  const dir = await mkdtemp(join(tmpdir(), 'gencaster-cluster-redis-'));
  const port = await freeTcpPort();
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const launch = async () => {
    if (running()) return;
    const current = spawn(
      redisServerBin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    );
    child = current;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (current.exitCode !== null) throw new Error(`redis-server exited (${current.exitCode})`);
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server did not answer on port ${port} within 20 s`);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await exited;
  };
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    kill: () => kill('SIGKILL'),
    restart: launch,
    async stop() {
      process.removeListener('exit', onExit);
      await kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
