// Benchmark of the GraphQL listener session: 1000 concurrent `streamInfo` subscriptions over real
// WebSockets on 16 graphs (one_graph_one_stream) and 16 live stream points — p50/p99 time to the
// first StreamInfo and a double-assignment check — next to a baseline measured in the same run (the
// repository's assignStream called directly, no GraphQL/WebSocket). Then the memory of many idle
// listener subscriptions (one WebSocket each). Run alone with `npx tsx bench/api-assignment.ts`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '@gencaster/api';
import { assignStream, createGraph, migrate, openDatabase, type Database } from '@gencaster/db';
import {
  postgresUnavailableReason,
  startPostgresServer,
  type PostgresServer,
} from '@gencaster/db/testing';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BenchmarkResult } from './run.ts';

const LISTENERS = 1000;
const POINTS = 16;
const IDLE = Number(process.env.GENCASTER_BENCH_IDLE ?? 500);

const streamInfo = `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename ... on StreamInfo { stream { uuid streamPoint { uuid } } } } }`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function insertPoints(database: Database, count: number, base: number) {
  await database.db
    .insertInto('streamPoint')
    .values(
      Array.from({ length: count }, (_, i) => ({
        host: '10.7.7.7',
        port: base + i,
        lastLive: new Date(),
      })),
    )
    .execute();
}

async function graphs(database: Database, label: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      createGraph(database, {
        name: `${label} ${i}`,
        streamAssignmentPolicy: 'one_graph_one_stream',
      }),
    ),
  );
}

function client(url: string): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

/** Subscribes and resolves with the first result and the time it took. */
function firstResult(c: Client, graphUuid: string) {
  const started = performance.now();
  return new Promise<{ ms: number; typename: string; stream?: string; point?: string }>(
    (resolve, reject) => {
      c.subscribe(
        { query: streamInfo, variables: { g: graphUuid } },
        {
          next: (value) => {
            const info = (
              value.data as {
                streamInfo: {
                  __typename: string;
                  stream?: { uuid: string; streamPoint: { uuid: string } };
                };
              }
            ).streamInfo;
            resolve({
              ms: performance.now() - started,
              typename: info.__typename,
              stream: info.stream?.uuid,
              point: info.stream?.streamPoint.uuid,
            });
          },
          error: reject,
          complete: () => undefined,
        },
      );
    },
  );
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
};

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  // PostgreSQL (a throwaway server) when available: concurrent transactions; else embedded PGlite.
  let postgres: PostgresServer | undefined;
  let url = process.env.GENCASTER_BENCH_DATABASE_URL;
  if (!url && !postgresUnavailableReason()) {
    postgres = await startPostgresServer();
    url = postgres.url;
  }
  const database = await openDatabase(url ? { url, poolSize: 20 } : { inMemory: true });
  await migrate(database);
  const api = createApiServer({
    database,
    // every simulated listener comes from 127.0.0.1: no per-address session cap here
    options: {
      maxSubscriptionsPerSocket: 100,
      reconnectGraceMs: 0,
      maxListenerSessionsPerClient: 1_000_000,
    },
  });
  const server = createServer((req, res) => void api.handler(req, res));
  api.attachWebSocket(server);
  const wsUrl = await listen(server);
  const results: BenchmarkResult['results'] = [];
  try {
    // Baseline: the same assignments through the repository, no GraphQL.
    await insertPoints(database, POINTS, 40_000);
    const baseGraphs = await graphs(database, 'baseline', POINTS);
    const baseTimes = await Promise.all(
      Array.from({ length: LISTENERS }, async (_, i) => {
        const started = performance.now();
        await assignStream(database, {
          graphUuid: baseGraphs[i % POINTS]!.uuid,
          listenerId: `b${i}`,
        });
        return performance.now() - started;
      }),
    );
    await database.db.updateTable('stream').set({ active: false, endedDate: new Date() }).execute();
    await database.db.deleteFrom('streamListener').execute();

    // 1000 listeners over 50 WebSockets (20 subscriptions each), 16 graphs, 16 points.
    const apiGraphs = await graphs(database, 'api', POINTS);
    await database.db.updateTable('streamPoint').set({ lastLive: new Date() }).execute();
    const clients = Array.from({ length: 50 }, () => client(wsUrl));
    const started = performance.now();
    const firsts = await Promise.all(
      Array.from({ length: LISTENERS }, (_, i) =>
        firstResult(clients[i % clients.length]!, apiGraphs[i % POINTS]!.uuid),
      ),
    );
    const wallMs = performance.now() - started;
    const infos = firsts.filter((r) => r.typename === 'StreamInfo');
    const streamsPerPoint = new Map<string, Set<string>>();
    for (const info of infos) {
      const set = streamsPerPoint.get(info.point!) ?? new Set<string>();
      set.add(info.stream!);
      streamsPerPoint.set(info.point!, set);
    }
    const doubles = [...streamsPerPoint.values()].filter((set) => set.size > 1).length;
    const active = await database.db
      .selectFrom('stream')
      .select(['streamPointUuid', 'numListeners'])
      .where('active', '=', true)
      .execute();
    const listeners = active.reduce((sum, row) => sum + row.numListeners, 0);
    if (
      infos.length !== LISTENERS ||
      doubles !== 0 ||
      new Set(active.map((r) => r.streamPointUuid)).size !== active.length
    ) {
      throw new Error(
        `assignment broken: ${infos.length} StreamInfo, ${doubles} points with two streams`,
      );
    }
    const times = firsts.map((r) => r.ms);
    const note = `${infos.length}/${LISTENERS} assigned, ${active.length} streams on ${streamsPerPoint.size} points, ${listeners} counted listeners, 0 double assignments, wall ${wallMs.toFixed(0)} ms, ${database.engine}`;
    for (const p of [50, 99]) {
      const ms = percentile(times, p);
      const baselineMs = percentile(baseTimes, p);
      results.push({
        case: `streamInfo p${p}: subscribe → first StreamInfo (1000 concurrent, 16 points)`,
        ms,
        baselineMs,
        ratio: ms / baselineMs,
        note,
      });
    }
    await Promise.all(clients.map(async (c) => c.dispose()));
    // The sessions leave on their own after the sockets close; reset only once they have (a bulk
    // delete racing their leaves would lock listener rows and streams in the opposite order).
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const left = await database.db
        .selectFrom('streamListener')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Idle listeners: one WebSocket each, one streamInfo subscription each, on one shared stream.
    const idleGraph = (await graphs(database, 'idle', 1))[0]!;
    await database.db.updateTable('stream').set({ active: false, endedDate: new Date() }).execute();
    await database.db.deleteFrom('streamListener').execute();
    await database.db.updateTable('streamPoint').set({ lastLive: new Date() }).execute();
    const bare = Array.from({ length: IDLE }, () => new WebSocket(wsUrl, 'graphql-transport-ws'));
    const bareStarted = performance.now();
    await Promise.all(bare.map((socket) => new Promise((resolve) => socket.once('open', resolve))));
    const bareMs = performance.now() - bareStarted;
    for (const socket of bare) socket.terminate();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await settle();
    const idleClients = Array.from({ length: IDLE }, () => client(wsUrl));
    const idleStarted = performance.now();
    await Promise.all(idleClients.map((c) => firstResult(c, idleGraph.uuid)));
    const idleMs = performance.now() - idleStarted;
    const after = await settle();
    const perSubscriptionKiB =
      (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE / 1024;
    const rssKiB = (after.rss - before.rss) / IDLE / 1024;
    results.push({
      case: `${IDLE} idle listener WebSockets with a streamInfo subscription each: open all`,
      ms: idleMs,
      baselineMs: bareMs,
      ratio: idleMs / bareMs,
      note: `memory per idle subscription (server + client in one process): heap+external ${perSubscriptionKiB.toFixed(1)} KiB, rss ${rssKiB.toFixed(1)} KiB${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: noisy)'}`,
    });
    await Promise.all(idleClients.map(async (c) => c.dispose()));
  } finally {
    await api.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
    await postgres?.stop();
  }
  return { name: 'GraphQL listener sessions (streamInfo over WebSocket)', results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
