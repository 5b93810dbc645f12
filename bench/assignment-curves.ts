// Stream assignment at scale on both engines: N concurrent assignStream calls (N = 100, 1000,
// 5000) on 16 live points and 16 graphs, for both policies, next to a raw baseline over the same
// pool in the same run: N concurrent single-row inserts into stream_listener (one statement per
// listener, with its counting trigger, the least an exact count can cost). Statements per
// assignment are counted on the client, retries included (target 1). Then 1000 concurrent
// join/leave pairs on one shared stream. Run alone with `npx tsx bench/assignment-curves.ts`.
import {
  assignStream,
  createGraph,
  joinStream,
  leaveStream,
  migrate,
  openDatabase,
  type Database,
  type DbHandle,
} from '@gencaster/db';
import { postgresUnavailableReason, startPostgresServer } from '@gencaster/db/testing';
import { sql } from 'kysely';
import type { BenchmarkResult } from './run.ts';

type Row = BenchmarkResult['results'][number];
const POINTS = 16;
const SIZES = (process.env.GENCASTER_BENCH_ASSIGN_SIZES ?? '100,1000,5000').split(',').map(Number);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Times `n` concurrent calls of `call`; per-call latencies. */
async function concurrently(n: number, call: (i: number) => Promise<unknown>) {
  const started = performance.now();
  const times = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t = performance.now();
      await call(i);
      return performance.now() - t;
    }),
  );
  return { times, wallMs: performance.now() - started };
}

/** A handle on `database` that counts the statements sent through it (both engines). */
function counting(database: Database): { handle: DbHandle; statements: () => number } {
  let statements = 0;
  const db = database.db.withPlugin({
    transformQuery: (args) => {
      statements++;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  });
  return { handle: { db }, statements: () => statements };
}

async function reset(database: Database) {
  await database.db.deleteFrom('streamListener').execute();
  await database.db.updateTable('stream').set({ active: false, endedDate: new Date() }).execute();
  await database.db.updateTable('streamPoint').set({ lastLive: new Date() }).execute();
}

async function curves(database: Database): Promise<Row[]> {
  const rows: Row[] = [];
  await database.db
    .insertInto('streamPoint')
    .values(
      Array.from({ length: POINTS }, (_, i) => ({
        host: '10.8.8.8',
        port: 41_000 + i,
        lastLive: new Date(),
      })),
    )
    .execute();
  for (const policy of ['one_graph_one_stream', 'one_user_one_stream'] as const) {
    for (const n of SIZES) {
      const graphs = await Promise.all(
        Array.from({ length: POINTS }, (_, i) =>
          createGraph(database, {
            name: `${policy} ${n} ${i}`,
            streamAssignmentPolicy: policy,
          }),
        ),
      );
      await reset(database);
      const counted = counting(database);
      let assigned = 0;
      const run = await concurrently(n, (i) =>
        assignStream(counted.handle, {
          graphUuid: graphs[i % POINTS]!.uuid,
          listenerId: `${policy}-${n}-${i}`,
        }).then(
          () => assigned++,
          () => undefined, // NO_STREAM_AVAILABLE once the 16 points are taken (one user, one stream)
        ),
      );
      // Raw baseline over the same pool: one insert per listener onto the streams that exist now.
      const streams = await database.db
        .selectFrom('stream')
        .select('uuid')
        .where('active', '=', true)
        .execute();
      const raw = await concurrently(n, (i) =>
        sql`insert into stream_listener (stream_uuid, listener_id)
          values (${streams[i % streams.length]!.uuid}, ${`raw-${policy}-${n}-${i}`})`.execute(
          database.db,
        ),
      );
      // Retries after a lost race or a stale shared stream count too.
      const statements = (counted.statements() / n).toFixed(2);
      for (const p of [50, 99]) {
        const ms = percentile(run.times, p);
        const baselineMs = percentile(raw.times, p);
        rows.push({
          case: `${database.engine}: ${n} concurrent assignments, ${policy}, p${p}`,
          ms,
          baselineMs,
          ratio: ms / baselineMs,
          note: `${assigned}/${n} assigned on ${streams.length} streams, wall ${run.wallMs.toFixed(0)} ms (raw ${raw.wallMs.toFixed(0)} ms), statements per assignment ${statements}`,
        });
      }
    }
  }

  // 1000 concurrent join/leave pairs on one shared stream, next to 1000 raw insert/delete pairs.
  await reset(database);
  const shared = await createGraph(database, {
    name: 'join-leave',
    streamAssignmentPolicy: 'one_graph_one_stream',
  });
  const stream = await assignStream(database, { graphUuid: shared.uuid, listenerId: 'holder' });
  const pairs = await concurrently(1000, async (i) => {
    await joinStream(database, { streamUuid: stream.uuid, listenerId: `j${i}` });
    await leaveStream(database, { streamUuid: stream.uuid, listenerId: `j${i}` });
  });
  const rawPairs = await concurrently(1000, async (i) => {
    await sql`insert into stream_listener (stream_uuid, listener_id) values (${stream.uuid}, ${`r${i}`})`.execute(
      database.db,
    );
    await sql`delete from stream_listener where stream_uuid = ${stream.uuid} and listener_id = ${`r${i}`}`.execute(
      database.db,
    );
  });
  const left = await database.db
    .selectFrom('stream')
    .select('numListeners')
    .where('uuid', '=', stream.uuid)
    .executeTakeFirstOrThrow();
  rows.push({
    case: `${database.engine}: 1000 concurrent join/leave pairs on one shared stream (wall)`,
    ms: pairs.wallMs,
    baselineMs: rawPairs.wallMs,
    ratio: pairs.wallMs / rawPairs.wallMs,
    note: `count after: ${left.numListeners} (the holder); p99 per pair ${percentile(pairs.times, 99).toFixed(0)} ms`,
  });
  return rows;
}

/** Runs the curves on PGlite and, when PostgreSQL is installed, on a throwaway server. */
export default async function run(): Promise<BenchmarkResult> {
  const results: Row[] = [];
  const load = () => import('node:os').then((os) => os.loadavg()[0]?.toFixed(2) ?? '?');
  {
    await using database = await openDatabase({ inMemory: true });
    await migrate(database);
    results.push(...(await curves(database)));
  }
  const reason = postgresUnavailableReason();
  if (reason) console.warn(`[bench] postgres skipped: ${reason}`);
  else {
    const server = await startPostgresServer();
    try {
      await using database = await openDatabase({ url: server.url, poolSize: 20 });
      await migrate(database);
      results.push(...(await curves(database)));
    } finally {
      await server.stop();
    }
  }
  const loadAverage = await load();
  for (const row of results) row.note = `${row.note}; load ${loadAverage}`;
  return { name: 'Stream assignment curves (both engines, both policies)', results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table((await run()).results);
}
