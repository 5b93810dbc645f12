import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import {
  acquireEngineLease,
  getEngineLease,
  loadWalkPosition,
  releaseAllEngineLeases,
  releaseBackendLeases,
  releaseOrphanedStreams,
  renewEngineLease,
  saveWalkPosition,
} from './engine-leases.ts';
import { createGraph } from './graphs.ts';
import { createNode } from './nodes.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import { assignStream, getStream } from './streams.ts';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEachEngine('engine leases', (getDb, engine) => {
  const newStream = async (port: number) => {
    const db = getDb();
    const graph = await createGraph(db, { name: `lease ${engine} ${port}` });
    await upsertStreamPointFromBeacon(db, { host: '10.9.0.1', port, lastLive: new Date() });
    return assignStream(db, { graphUuid: graph.uuid, listenerId: `l-${port}` });
  };

  it('of 20 backends racing for one stream exactly one gets the lease', async () => {
    const stream = await newStream(47001);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        acquireEngineLease(getDb(), {
          streamUuid: stream.uuid,
          backendId: `backend-${i}`,
          ttlMs: 60_000,
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `backend-${results.indexOf(true)}`;
    expect((await getEngineLease(getDb(), stream.uuid))?.backendId).toBe(winner);
    // The owner renews; a loser cannot renew or take it while it is valid.
    const input = { streamUuid: stream.uuid, ttlMs: 60_000 };
    expect(await renewEngineLease(getDb(), { ...input, backendId: winner })).toBe(true);
    expect(await renewEngineLease(getDb(), { ...input, backendId: 'other' })).toBe(false);
    expect(await acquireEngineLease(getDb(), { ...input, backendId: 'other' })).toBe(false);
  });

  it('an expired lease is taken over; a released one at once', async () => {
    const stream = await newStream(47002);
    const lease = { streamUuid: stream.uuid, ttlMs: 300 };
    expect(await acquireEngineLease(getDb(), { ...lease, backendId: 'a' })).toBe(true);
    expect(await acquireEngineLease(getDb(), { ...lease, backendId: 'b' })).toBe(false);
    await until(() => acquireEngineLease(getDb(), { ...lease, backendId: 'b' }), 10_000);
    expect((await getEngineLease(getDb(), stream.uuid))?.backendId).toBe('b');
    expect(await renewEngineLease(getDb(), { ...lease, backendId: 'a' })).toBe(false);

    const long = { streamUuid: stream.uuid, ttlMs: 60_000 };
    expect(await acquireEngineLease(getDb(), { ...long, backendId: 'b' })).toBe(true);
    expect(await releaseBackendLeases(getDb(), 'b')).toBe(1);
    expect(await acquireEngineLease(getDb(), { ...long, backendId: 'c' })).toBe(true);
  });

  it('persists the walk position and releases streams orphaned longer than the grace', async () => {
    const db = getDb();
    const stream = await newStream(47003);
    expect(await loadWalkPosition(db, stream.uuid)).toBeNull();
    const graph = await createGraph(db, { name: `walk ${engine}` });
    const node = await createNode(db, { graphUuid: graph.uuid, name: 'here' });
    await saveWalkPosition(db, stream.uuid, { nodeUuid: node.uuid, step: 3 });
    expect(await loadWalkPosition(db, stream.uuid)).toEqual({
      nodeUuid: node.uuid,
      step: 3,
      cellsDone: 0,
    });
    await saveWalkPosition(db, stream.uuid, { nodeUuid: node.uuid, step: 3, cellsDone: 2 });
    expect(await loadWalkPosition(db, stream.uuid)).toMatchObject({ cellsDone: 2 });
    await expect(
      saveWalkPosition(db, stream.uuid, { nodeUuid: node.uuid, step: 3, cellsDone: -1 }),
    ).rejects.toThrow();

    await acquireEngineLease(db, { streamUuid: stream.uuid, backendId: 'gone', ttlMs: 60_000 });
    await releaseBackendLeases(db, 'gone');
    expect(await releaseOrphanedStreams(db, { graceMs: 60_000 })).toEqual([]);
    expect((await getStream(db, stream.uuid)).active).toBe(true);
    await until(
      async () => (await releaseOrphanedStreams(db, { graceMs: 200 })).length === 1,
      10_000,
    );
    expect((await getStream(db, stream.uuid)).active).toBe(false);
  });

  it('a single backend starting after a crash hands over every lease at once', async () => {
    const streams = [await newStream(47011), await newStream(47012)];
    for (const [i, stream] of streams.entries())
      await acquireEngineLease(getDb(), {
        streamUuid: stream.uuid,
        backendId: `crashed-${i}`,
        ttlMs: 60_000,
      });
    expect(await releaseAllEngineLeases(getDb())).toBeGreaterThanOrEqual(2);
    for (const stream of streams)
      expect(
        await acquireEngineLease(getDb(), {
          streamUuid: stream.uuid,
          backendId: 'restarted',
          ttlMs: 60_000,
        }),
      ).toBe(true);
  });
});
