import { isGencasterError } from '@gencaster/domain';
import { describeEachEngine } from '@gencaster/db/testing';
import type { KyselyPlugin } from 'kysely';
import { expect, it } from 'vitest';
import type { DbHandle } from '../database.ts';
import { createGraph } from './graphs.ts';
import { findStreamPoint, upsertStreamPointFromBeacon } from './stream-points.ts';
import { assignStream, joinStream, leaveStream } from './streams.ts';

// The concurrent assignment and counter races through the API are also tested in
// packages/api/src/test/stream-assignment-races.test.ts and listener-counts.test.ts.

describeEachEngine('stream assignment races', (getDb, engine) => {
  it('releases a shared stream when its last listener leaves and frees the point', async () => {
    const db = getDb();
    const now = new Date();
    const graph = await createGraph(db, {
      name: `release ${engine}`,
      streamAssignmentPolicy: 'one_graph_one_stream',
    });
    await upsertStreamPointFromBeacon(db, { host: '10.0.0.3', port: 57120, lastLive: now });
    const first = await assignStream(db, { graphUuid: graph.uuid, listenerId: 'a', now });
    const second = await assignStream(db, { graphUuid: graph.uuid, listenerId: 'b', now });
    expect(second.uuid).toBe(first.uuid);
    expect(second.numListeners).toBe(2);
    await leaveStream(db, { streamUuid: first.uuid, listenerId: 'a' });
    const last = await leaveStream(db, { streamUuid: first.uuid, listenerId: 'b' });
    expect(last).toMatchObject({ left: true, released: true });
    expect(last.stream).toMatchObject({ numListeners: 0, active: false });
    const again = await leaveStream(db, { streamUuid: first.uuid, listenerId: 'b' });
    expect(again).toMatchObject({ left: false, released: false });
    expect(again.stream.numListeners).toBe(0);
    await expect(joinStream(db, { streamUuid: first.uuid, listenerId: 'c' })).rejects.toMatchObject(
      {
        code: 'CONFLICT',
      },
    );
    const next = await assignStream(db, { graphUuid: graph.uuid, listenerId: 'c', now });
    expect(next.uuid).not.toBe(first.uuid);
    expect(next.streamPointUuid).toBe(first.streamPointUuid);
  });

  /** `db` with a counter of the statements sent through it. */
  const counting = (db: DbHandle) => {
    let statements = 0;
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    return { handle: { db: db.db.withPlugin(plugin) }, statements: () => statements };
  };

  it('assigns, joins and leaves in one statement each', async () => {
    const db = getDb();
    const now = new Date();
    const own = await createGraph(db, { name: `one statement ${engine}` });
    const shared = await createGraph(db, {
      name: `one statement shared ${engine}`,
      streamAssignmentPolicy: 'one_graph_one_stream',
    });
    await upsertStreamPointFromBeacon(db, { host: '10.0.1.1', port: 57120, lastLive: now });
    await upsertStreamPointFromBeacon(db, { host: '10.0.1.1', port: 57121, lastLive: now });
    const counter = counting(db);
    const stream = await assignStream(counter.handle, {
      graphUuid: own.uuid,
      listenerId: 'o',
      now,
    });
    expect(counter.statements()).toBe(1);
    expect(stream).toMatchObject({ numListeners: 1, active: true, shared: false });
    // …with its point, read in that statement.
    expect(stream.point).toEqual(await findStreamPoint(db, stream.streamPointUuid));
    const first = await assignStream(counter.handle, {
      graphUuid: shared.uuid,
      listenerId: 's1',
      now,
    });
    const second = await assignStream(counter.handle, {
      graphUuid: shared.uuid,
      listenerId: 's2',
      now,
    });
    expect(counter.statements()).toBe(3);
    expect(second).toMatchObject({ uuid: first.uuid, numListeners: 2, shared: true });
    const joined = await joinStream(counter.handle, { streamUuid: first.uuid, listenerId: 's3' });
    expect(joined).toMatchObject({ joined: true, stream: { numListeners: 3 } });
    const left = await leaveStream(counter.handle, { streamUuid: first.uuid, listenerId: 's3' });
    expect(left).toMatchObject({ left: true, released: false, stream: { numListeners: 2 } });
    expect(counter.statements()).toBe(5);
  });

  it('under 120 concurrent requests: one stream per point, exact counts, every count handed out once', async () => {
    const db = getDb();
    const now = new Date();
    const own = await createGraph(db, { name: `crowd ${engine}` });
    for (let i = 0; i < 16; i++)
      await upsertStreamPointFromBeacon(db, { host: '10.0.2.1', port: 50_000 + i, lastLive: now });
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        assignStream(db, { graphUuid: own.uuid, listenerId: `c${i}`, now }),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(16);
    expect(lost.every((error) => isGencasterError(error, 'NO_STREAM_AVAILABLE'))).toBe(true);
    expect(new Set(won.map((s) => s.streamPointUuid)).size).toBe(16);
    expect(won.every((s) => s.numListeners === 1)).toBe(true);

    // A shared stream: 60 joins at once land on one stream, each sees its own count once.
    const shared = await createGraph(db, {
      name: `crowd shared ${engine}`,
      streamAssignmentPolicy: 'one_graph_one_stream',
    });
    await upsertStreamPointFromBeacon(db, { host: '10.0.2.2', port: 50_000, lastLive: now });
    const joins = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        assignStream(db, { graphUuid: shared.uuid, listenerId: `j${i}`, now }),
      ),
    );
    expect(new Set(joins.map((s) => s.uuid)).size).toBe(1);
    expect(joins.map((s) => s.numListeners).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    // 60 leaves at once: the last one, and only it, releases the stream.
    const leaves = await Promise.all(
      joins.map((_, i) => leaveStream(db, { streamUuid: joins[0]!.uuid, listenerId: `j${i}` })),
    );
    expect(leaves.filter((leave) => leave.released)).toHaveLength(1);
    expect(leaves.every((leave) => leave.left)).toBe(true);
    const row = await db.db
      .selectFrom('stream')
      .select(['numListeners', 'active'])
      .where('uuid', '=', joins[0]!.uuid)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ numListeners: 0, active: false });
  });
});

it('a concurrency failure is never silent: errors other than NO_STREAM_AVAILABLE propagate', () => {
  expect(isGencasterError(new Error('x'), 'NO_STREAM_AVAILABLE')).toBe(false);
});
