// Benchmark of the race-safe stream operations on both engines: 200 concurrent assignments on 10
// free stream points and 1000 concurrent idempotent join/leave operations on one shared stream,
// each next to a baseline measured in the same run (the bare atomic counter update, one statement
// per operation, without listener bookkeeping). Run alone with `npx tsx bench/db-race.ts`.
import {
  assignStream,
  createGraph,
  joinStream,
  leaveStream,
  migrate,
  openDatabase,
  upsertStreamPointFromBeacon,
  type Database,
} from '@gencaster/db';
import { postgresUnavailableReason, startPostgresServer } from '@gencaster/db/testing';
import { sql } from 'kysely';
import type { BenchmarkResult } from './run.ts';

type Row = BenchmarkResult['results'][number];

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await fn();
  return [performance.now() - started, value];
}

async function raceOn(database: Database, label: string): Promise<Row[]> {
  const now = new Date();
  const graph = await createGraph(database, { name: `bench ${label}` });
  for (let i = 0; i < 10; i++) {
    await upsertStreamPointFromBeacon(database, {
      host: '10.9.9.9',
      port: 50_000 + i,
      lastLive: now,
    });
  }
  const [assignMs, results] = await timed(() =>
    Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        assignStream(database, { graphUuid: graph.uuid, listenerId: `l${i}`, now }),
      ),
    ),
  );
  const won = results.filter((r) => r.status === 'fulfilled').length;
  const [selectMs] = await timed(() =>
    Promise.all(
      Array.from({ length: 200 }, () =>
        sql`select uuid from stream_point where last_live > ${new Date(now.getTime() - 60_000)}`.execute(
          database.db,
        ),
      ),
    ),
  );

  const shared = await createGraph(database, {
    name: `bench shared ${label}`,
    streamAssignmentPolicy: 'one_graph_one_stream',
  });
  await upsertStreamPointFromBeacon(database, { host: '10.9.9.8', port: 50_000, lastLive: now });
  const stream = await assignStream(database, {
    graphUuid: shared.uuid,
    listenerId: 'holder',
    now,
  });
  const ids = Array.from({ length: 500 }, (_, i) => `x${i}`);
  const [joinLeaveMs] = await timed(() =>
    Promise.all(
      ids.map(async (id) => {
        await joinStream(database, { streamUuid: stream.uuid, listenerId: id });
        await leaveStream(database, { streamUuid: stream.uuid, listenerId: id });
      }),
    ),
  );
  const [bareMs] = await timed(() =>
    Promise.all(
      ids.map(async () => {
        await sql`update stream set num_listeners = num_listeners + 1 where uuid = ${stream.uuid}`.execute(
          database.db,
        );
        await sql`update stream set num_listeners = num_listeners - 1 where uuid = ${stream.uuid}`.execute(
          database.db,
        );
      }),
    ),
  );
  return [
    {
      case: `${label}: 200 concurrent assignments, 10 points`,
      ms: assignMs,
      baselineMs: selectMs,
      ratio: assignMs / selectMs,
      note: `${won} streams, ${200 - won} NO_STREAM_AVAILABLE; baseline = 200 free-point selects`,
    },
    {
      case: `${label}: 1000 concurrent join/leave`,
      ms: joinLeaveMs,
      baselineMs: bareMs,
      ratio: joinLeaveMs / bareMs,
      note: 'baseline = 1000 bare atomic counter updates (no idempotence)',
    },
  ];
}

/** Runs the race benchmark on PGlite and, when PostgreSQL 15 is installed, on a throwaway server. */
export default async function run(): Promise<BenchmarkResult> {
  const results: Row[] = [];
  {
    await using database = await openDatabase({ inMemory: true });
    await migrate(database);
    results.push(...(await raceOn(database, 'pglite')));
  }
  const reason = postgresUnavailableReason();
  if (reason) {
    console.warn(`[bench] postgres skipped: ${reason}`);
  } else {
    const server = await startPostgresServer();
    try {
      await using database = await openDatabase({ url: server.url });
      await migrate(database);
      results.push(...(await raceOn(database, 'postgres')));
    } finally {
      await server.stop();
    }
  }
  return { name: 'Database races (stream assignment, listener counting)', results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table((await run()).results);
}
