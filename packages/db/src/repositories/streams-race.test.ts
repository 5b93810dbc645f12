import { isGencasterError } from '@gencaster/domain';
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createGraph } from './graphs.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import { assignStream, joinStream, leaveStream } from './streams.ts';

// The concurrent assignment and counter races are tested in
// packages/api/src/test/security-regressions.test.ts (inventory §11.2).

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
});

it('a concurrency failure is never silent: errors other than NO_STREAM_AVAILABLE propagate', () => {
  expect(isGencasterError(new Error('x'), 'NO_STREAM_AVAILABLE')).toBe(false);
});
