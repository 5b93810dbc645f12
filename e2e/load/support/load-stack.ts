import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listLiveStreamPoints, openDatabase, type Database } from '@gencaster/db';
import { sql } from 'kysely';
import {
  freeTcpPort,
  freeUdpPort,
  spawnLoadChild,
  waitUntil,
  type LoadChild,
} from './child-process.ts';
import { createSoundHostNetwork, type SoundHostNetwork } from './sound-host-network.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const cli = join(repoRoot, 'apps/backend/src/cli.ts');

/** Options of {@link startLoadStack}. */
export interface LoadStackOptions {
  /** URL of a PostgreSQL server (the vitest global setup's); a fresh database is created in it. */
  postgresUrl: string;
  backends: number;
  /** Sound hosts (network namespaces), each running `gencaster sound --points pointsPerHost`. */
  hosts: number;
  pointsPerHost: number;
  /** Start the next sound host only when the previous one runs (halves the start-up load). */
  staggerHosts?: boolean;
  /** Max wait for every point to beacon (sclang boots slowly on a loaded machine). */
  pointsTimeoutMs?: number;
}

/** One backend child process. */
export interface LoadBackend {
  url: string;
  oscPort: number;
  child: LoadChild;
}

/** One sound host: its namespace address, its Janus URL and the launcher process. */
export interface LoadSoundHost {
  ip: string;
  child: LoadChild;
}

/** PostgreSQL + Redis + N backends + M sound hosts, all real processes; `close()` ends them. */
export interface LoadStack {
  databaseUrl: string;
  /** A connection of the test process to the shared database. */
  database: Database;
  backends: LoadBackend[];
  hosts: LoadSoundHost[];
  network: SoundHostNetwork;
  /** The Janus api_secret shared by every sound host. */
  janusApiSecret: string;
  workDir: string;
  close(): Promise<void>;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

/**
 * Starts the whole scaled-out system as separate processes: a fresh database on the given
 * PostgreSQL server, a redis-server, `gencaster start` × backends (no own sound) sharing both, and
 * `gencaster sound` × hosts, each in its own network namespace with Janus bound to the host's
 * address, beaconing (HMAC-signed) to the first backend. Resolves once every point is live.
 */
export async function startLoadStack(options: LoadStackOptions): Promise<LoadStack> {
  const workDir = mkdtempSync(join(tmpdir(), 'gencaster-load-'));
  // The sound hosts' fleets run as the unprivileged sound user: it must pass through to their data dirs.
  chmodSync(workDir, 0o711);
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.warn(`[load] cleanup failed: ${String(error)}`);
      }
    }
    cleanups.length = 0;
  };
  const children: LoadChild[] = [];
  try {
    cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
    const name = `gencaster_load_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await openDatabase({ url: options.postgresUrl, poolSize: 1 });
    try {
      await sql.raw(`create database ${name}`).execute(admin.db);
    } finally {
      await admin.close();
    }
    cleanups.push(async () => {
      const dropper = await openDatabase({ url: options.postgresUrl, poolSize: 1 });
      try {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(dropper.db);
      } finally {
        await dropper.close();
      }
    });
    const databaseUrl = withDatabase(options.postgresUrl, name);

    const redisPort = await freeTcpPort();
    const redis = spawnLoadChild(
      'redis',
      '/usr/bin/redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { env: process.env, logFile: join(workDir, 'redis.log'), cwd: workDir },
    );
    cleanups.push(() => redis.stop(5000));
    await waitUntil(
      'redis-server PING',
      async () => ((await answersPing(redisPort)) ? true : undefined),
      20_000,
      100,
    );

    const network = createSoundHostNetwork(options.hosts);
    cleanups.push(() => network.close());

    const secrets = {
      apiSecret: randomBytes(24).toString('hex'),
      adminSecret: randomBytes(24).toString('hex'),
      pluginAdminKey: randomBytes(24).toString('hex'),
    };
    const oscSecret = randomBytes(24).toString('hex');
    const dataDir = (label: string) => {
      const dir = join(workDir, label);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'janus-secrets.json'), JSON.stringify(secrets), { mode: 0o600 });
      return dir;
    };
    const baseEnv = {
      ...process.env,
      LOG_LEVEL: 'warn',
      GENCASTER_OSC_SECRET: oscSecret,
    };

    const backends: LoadBackend[] = [];
    let soundOscPort = 0;
    const hosts: LoadSoundHost[] = [];
    // Sound hosts stop in parallel (each fleet quits its points one by one).
    cleanups.push(async () => {
      await Promise.all(hosts.map((host) => host.child.stop(60_000)));
    });
    for (let i = 0; i < options.backends; i++) {
      const httpPort = await freeTcpPort();
      const oscPort = await freeUdpPort(network.bridgeIp);
      const child = spawnLoadChild('backend', process.execPath, ['--import', 'tsx', cli, 'start'], {
        cwd: repoRoot,
        logFile: join(workDir, `backend-${i}.log`),
        env: {
          ...baseEnv,
          DATABASE_URL: databaseUrl,
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          GENCASTER_HOST: '127.0.0.1',
          GENCASTER_PORT: String(httpPort),
          GENCASTER_OSC_HOST: network.bridgeIp,
          GENCASTER_OSC_PORT: String(soundOscPort),
          GENCASTER_SOUND_POINTS: '0',
          GENCASTER_DATA_DIR: dataDir(`backend-${i}`),
          GENCASTER_BACKEND_ID: `load-backend-${i}`,
        },
      });
      children.push(child);
      cleanups.push(() => child.stop());
      const url = `http://127.0.0.1:${httpPort}`;
      // One after the other: the first one migrates the fresh database and seeds the demo graph.
      await waitUntil(
        `backend ${i} /health`,
        async () => {
          if (child.exited()) throw new Error(`backend ${i} exited:\n${await child.logTail()}`);
          const response = await fetch(`${url}/health`).catch(() => undefined);
          return response?.ok ? true : undefined;
        },
        120_000,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await child.logTail()}`);
      });
      backends.push({ url, oscPort, child });
      if (i === 0) {
        soundOscPort = oscPort;
        if (options.staggerHosts) startHost(0);
        else network.hosts.forEach((_, host) => startHost(host));
      }
    }

    function startHost(i: number): void {
      const host = network.hosts[i]!;
      // A private /dev/shm per host as on a real machine: JACK keeps its server registry there
      // and allows only 8 servers per registry.
      const [command, args] = network.command(i, 'unshare', [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o size=1g,mode=1777 tmpfs /dev/shm && exec "$0" "$@"',
        process.execPath,
        '--import',
        'tsx',
        cli,
        'sound',
        '--points',
        String(options.pointsPerHost),
        '--janus-bind',
        host.ip,
      ]);
      const child = spawnLoadChild(`sound-${i}`, command, args, {
        cwd: repoRoot,
        logFile: join(workDir, `sound-${i}.log`),
        env: {
          ...baseEnv,
          GENCASTER_DATA_DIR: dataDir(`sound-${i}`),
          GENCASTER_OSC_HOST: network.bridgeIp,
          GENCASTER_OSC_PORT: String(soundOscPort),
        },
      });
      children.push(child);
      hosts.push({ ip: host.ip, child });
    }

    const database = await openDatabase({ url: databaseUrl, poolSize: 5 });
    cleanups.push(() => database.close());
    const expected = options.hosts * options.pointsPerHost;
    await waitUntil(
      `${expected} stream points beaconing`,
      async () => {
        // Staggered: the next host starts once the previous launcher reports its fleet running.
        const last = hosts.at(-1);
        if (
          last &&
          hosts.length < network.hosts.length &&
          (await last.child.logTail(4000)).includes('sound fleet running')
        )
          startHost(hosts.length);
        const dead = children.find((child) => child.exited());
        if (dead) throw new Error(`${dead.name} exited:\n${await dead.logTail()}`);
        const live = await listLiveStreamPoints(database);
        return live.length >= expected ? live : undefined;
      },
      options.pointsTimeoutMs ?? 240_000,
      1000,
    ).catch(async (error: unknown) => {
      const tails = await Promise.all(hosts.map((h) => h.child.logTail(2000)));
      throw new Error(`${String(error)}\n${tails.join('\n---\n')}`);
    });

    return {
      databaseUrl,
      database,
      backends,
      hosts,
      network,
      janusApiSecret: secrets.apiSecret,
      workDir,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
