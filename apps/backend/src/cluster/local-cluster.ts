import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLiveStreamPoints, openDatabase } from '@gencaster/db';
import { spawnGencaster, waitForHealthy, type GencasterProcess } from './backend-process.ts';
import { freeConsecutivePorts } from './free-port.ts';
import { startLocalPostgres, type LocalPostgres } from './local-postgres.ts';
import { startLocalRedis, type LocalRedis } from './local-redis.ts';
import { startReverseProxy, type ReverseProxy } from './reverse-proxy.ts';

/** Options of {@link startLocalCluster}. */
export interface LocalClusterOptions {
  /** Backend processes (default 2). */
  backends?: number;
  /** Stream points of the sound fleet (0 = no fleet; default 0). */
  points?: number;
  /** Which backend's OSC port the fleet beacons to (default 0, the first). */
  soundBackend?: number;
  /** First backend HTTP port; the others follow (default: a free run of ports). */
  basePort?: number;
  /** Proxy port (default: free). */
  proxyPort?: number;
  /** GENCASTER_ENGINE_LEASE_MS of every backend (default 15 000; tests use ~2 000). */
  engineLeaseMs?: number;
  /** GENCASTER_RECONNECT_GRACE_MS of every backend (default 30 000). */
  reconnectGraceMs?: number;
  /** Shared data dir (media, fleet status); default: a temp dir removed by `stop()`. */
  dataDir?: string;
  /** Extra environment of every child. */
  env?: Record<string, string>;
  logLevel?: string;
}

/** One backend of a {@link LocalCluster}. */
export interface ClusterBackend {
  index: number;
  /** GENCASTER_BACKEND_ID, e.g. `backend-0`: the `backend_id` of its engine leases. */
  id: string;
  url: string;
  httpPort: number;
  oscPort: number;
  process: GencasterProcess;
}

/** A running local cluster; `stop()` ends every child by PID (reverse start order). */
export interface LocalCluster extends AsyncDisposable {
  /** The reverse proxy: what listeners and editors use. */
  url: string;
  postgres: LocalPostgres;
  redis: LocalRedis;
  proxy: ReverseProxy;
  backends: ClusterBackend[];
  fleet: GencasterProcess | undefined;
  dataDir: string;
  /** Waits (bounded) until `count` stream points beaconed into the shared database. */
  waitForLivePoints(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a whole cluster on 127.0.0.1 for development and fault tests: a throwaway PostgreSQL 15
 * and redis-server, N backends on consecutive ports sharing them (child processes, so they can be
 * killed with SIGKILL or drained with SIGTERM), a round-robin reverse proxy with WebSocket support
 * and optionally a sound fleet beaconing to one backend.
 *
 * @example
 * await using cluster = await startLocalCluster({ backends: 2, points: 1, engineLeaseMs: 2000 });
 * console.log(cluster.url); // listeners and editors use the proxy
 * await cluster.backends[0]!.process.signal('SIGKILL');
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const count = options.backends ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new Error('backends must be 1 or more');
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const ownDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gencaster-cluster-')));
    if (ownDataDir) cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [postgres, redis] = await Promise.all([startLocalPostgres(), startLocalRedis()]);
    cleanups.push(
      () => postgres.stop(),
      () => redis.stop(),
    );

    const ports = options.basePort
      ? Array.from({ length: count }, (_, i) => options.basePort! + i)
      : await freeConsecutivePorts(count);
    const baseEnv: Record<string, string> = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      GENCASTER_DATA_DIR: dataDir,
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_OSC_HOST: '127.0.0.1',
      GENCASTER_SOUND_POINTS: '0',
      GENCASTER_ENGINE_LEASE_MS: String(options.engineLeaseMs ?? 15_000),
      GENCASTER_RECONNECT_GRACE_MS: String(options.reconnectGraceMs ?? 30_000),
      LOG_LEVEL: options.logLevel ?? 'info',
      ...options.env,
    };
    const startOne = async (index: number): Promise<ClusterBackend> => {
      const httpPort = ports[index]!;
      const id = `backend-${index}`;
      const process = spawnGencaster({
        args: ['start', '--sound-points', '0'],
        env: {
          ...baseEnv,
          GENCASTER_PORT: String(httpPort),
          GENCASTER_OSC_PORT: '0',
          GENCASTER_BACKEND_ID: id,
        },
        logFile: join(dataDir, `${id}.log`),
      });
      cleanups.push(() => process.signal('SIGINT', 30_000));
      const url = `http://127.0.0.1:${httpPort}`;
      const health = await waitForHealthy(`${url}/health`, process);
      return { index, id, url, httpPort, oscPort: Number(health.oscPort), process };
    };
    let fleet: GencasterProcess | undefined;
    const soundIndex = Math.min(Math.max(options.soundBackend ?? 0, 0), count - 1);
    const startFleet = (target: ClusterBackend) => {
      if ((options.points ?? 0) <= 0) return;
      const started = spawnGencaster({
        args: ['sound', '--points', String(options.points)],
        env: { ...baseEnv, GENCASTER_OSC_PORT: String(target.oscPort) },
        logFile: join(dataDir, 'sound.log'),
      });
      fleet = started;
      cleanups.push(() => started.signal('SIGINT', 60_000));
    };
    // The first backend migrates the database and seeds the demo graph; the others follow, and
    // the sound fleet starts as soon as the backend it beacons to answers.
    const first = await startOne(0);
    if (soundIndex === 0) startFleet(first);
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, async (_, i) => {
        const backend = await startOne(i + 1);
        if (soundIndex === i + 1) startFleet(backend);
        return backend;
      }),
    );
    const backends = [first, ...rest];
    const proxy = await startReverseProxy({
      upstreams: backends.map((backend) => `127.0.0.1:${backend.httpPort}`),
      port: options.proxyPort ?? 0,
    });
    cleanups.push(() => proxy.close());

    const cluster: LocalCluster = {
      url: proxy.url,
      postgres,
      redis,
      proxy,
      backends,
      fleet,
      dataDir,
      async waitForLivePoints(wanted, timeoutMs = 120_000) {
        await using database = await openDatabase({ url: postgres.url });
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          if ((await listLiveStreamPoints(database).catch(() => [])).length >= wanted) return;
          if (fleet && fleet.child.exitCode !== null)
            throw new Error(`the sound fleet exited:\n${await fleet.logTail()}`);
          await new Promise((done) => setTimeout(done, 500));
        }
        throw new Error(
          `${wanted} stream point(s) not live within ${timeoutMs} ms:\n${(await fleet?.logTail()) ?? ''}`,
        );
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
