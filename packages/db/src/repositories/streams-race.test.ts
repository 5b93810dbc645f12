import { isGencasterError, type Stream } from '@gencaster/domain';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createGraph } from './graphs.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import {
  assignStream,
  getStream,
  joinStream,
  leaveStream,
  listStreamListeners,
} from './streams.ts';

// The machine running the suite may be busy; the race tests assert exact outcomes, not speed.
const raceTimeout = 300_000;

describeEachEngine('stream assignment races', (getDb, engine) => {
  it(
    '200 concurrent requests on 10 free points: 10 streams, no point twice, 190 NO_STREAM_AVAILABLE',
    async () => {
      const db = getDb();
      const now = new Date();
      const graph = await createGraph(db, {
        name: `race ${engine}`,
        streamAssignmentPolicy: 'one_user_one_stream',
      });
      for (let i = 0; i < 10; i++) {
        await upsertStreamPointFromBeacon(db, { host: '10.0.0.1', port: 57120 + i, lastLive: now });
      }
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          assignStream(db, { graphUuid: graph.uuid, listenerId: `listener-${i}`, now }),
        ),
      );
      const elapsed = performance.now() - started;
      const streams = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failures = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as unknown] : [],
      );
      console.info(`[race] ${engine}: 200 assignments on 10 points in ${elapsed.toFixed(0)} ms`);
      expect(streams).toHaveLength(10);
      expect(new Set(streams.map((s) => s.streamPointUuid)).size).toBe(10);
      expect(streams.every((s) => s.numListeners === 1 && s.active)).toBe(true);
      expect(failures).toHaveLength(190);
      expect(failures.every((e) => isGencasterError(e, 'NO_STREAM_AVAILABLE'))).toBe(true);
      const stored = await db.db
        .selectFrom('stream')
        .selectAll()
        .where('graphUuid', '=', graph.uuid)
        .execute();
      expect(stored).toHaveLength(10);
    },
    raceTimeout,
  );

  it(
    '1000 concurrent join/leave operations on a shared stream keep an exact, non-negative count',
    async () => {
      const db = getDb();
      const now = new Date();
      const graph = await createGraph(db, {
        name: `shared ${engine}`,
        streamAssignmentPolicy: 'one_graph_one_stream',
      });
      await upsertStreamPointFromBeacon(db, { host: '10.0.0.2', port: 57120, lastLive: now });
      const stream: Stream = await assignStream(db, {
        graphUuid: graph.uuid,
        listenerId: 'holder',
        now,
      });
      const leavers = Array.from({ length: 300 }, (_, i) => `leaver-${i}`);
      const joiners = Array.from({ length: 200 }, (_, i) => `joiner-${i}`);
      await Promise.all(
        leavers.map((id) => joinStream(db, { streamUuid: stream.uuid, listenerId: id })),
      );
      expect((await getStream(db, stream.uuid)).numListeners).toBe(301);

      // Every leaver leaves twice and every joiner joins twice: 600 + 400 = 1000 operations.
      const operations = [
        ...leavers
          .flatMap((id) => [id, id])
          .map((id) => () => leaveStream(db, { streamUuid: stream.uuid, listenerId: id })),
        ...joiners
          .flatMap((id) => [id, id])
          .map((id) => () => joinStream(db, { streamUuid: stream.uuid, listenerId: id })),
      ];
      operations.sort(() => Math.random() - 0.5);
      const started = performance.now();
      const results = await Promise.all(operations.map((op) => op()));
      const elapsed = performance.now() - started;
      console.info(`[race] ${engine}: 1000 join/leave operations in ${elapsed.toFixed(0)} ms`);

      const counts = results.map((r) => r.stream.numListeners);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      const left = results.filter((r) => 'left' in r && r.left).length;
      const joined = results.filter((r) => 'joined' in r && r.joined).length;
      expect(left).toBe(300); // a listener leaving twice is counted once
      expect(joined).toBe(200);
      const final = await getStream(db, stream.uuid);
      expect(final.numListeners).toBe(201);
      expect(final.active).toBe(true);
      expect((await listStreamListeners(db, stream.uuid)).length).toBe(201);
    },
    raceTimeout,
  );

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
});

it('a concurrency failure is never silent: errors other than NO_STREAM_AVAILABLE propagate', () => {
  expect(isGencasterError(new Error('x'), 'NO_STREAM_AVAILABLE')).toBe(false);
});
