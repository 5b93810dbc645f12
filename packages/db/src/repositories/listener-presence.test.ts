import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createGraph } from './graphs.ts';
import { dropSilentListeners, touchListeners } from './listener-presence.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import { assignStream, getStream } from './streams.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachEngine('listener presence', (getDb, engine) => {
  it('stamps every listener of a long list in its batches, each once, and stamps again', async () => {
    const db = getDb();
    const ids = Array.from({ length: 1203 }, (_, i) => `batch-${engine}-${i}`);
    await touchListeners(db, [...ids, ids[0]!, ids[600]!]);
    const stamped = async () =>
      db.db
        .selectFrom('listenerPresence')
        .select(['listenerId', 'seenAt'])
        .where('listenerId', 'like', `batch-${engine}-%`)
        .execute();
    const first = await stamped();
    expect(first.map((row) => row.listenerId).sort()).toEqual([...ids].sort());
    await sleep(50);
    await touchListeners(db, ids);
    const again = await stamped();
    expect(again).toHaveLength(ids.length);
    const before = new Map(first.map((row) => [row.listenerId, new Date(row.seenAt).getTime()]));
    for (const row of again)
      expect(new Date(row.seenAt).getTime()).toBeGreaterThan(before.get(row.listenerId)!);
  });

  it('drops only the listeners nobody stamped, counts each once and ends an empty stream', async () => {
    const db = getDb();
    const graph = await createGraph(db, {
      name: `presence ${engine}`,
      streamAssignmentPolicy: 'one_graph_one_stream',
    });
    await upsertStreamPointFromBeacon(db, { host: '10.9.1.1', port: 47101, lastLive: new Date() });
    const ids = ['kept-a', 'kept-b', 'ghost'];
    let streamUuid = '';
    for (const listenerId of ids)
      streamUuid = (await assignStream(db, { graphUuid: graph.uuid, listenerId })).uuid;
    expect((await getStream(db, streamUuid)).numListeners).toBe(3);

    await sleep(600);
    await touchListeners(db, ['kept-a', 'kept-b', 'kept-a']);
    const first = await dropSilentListeners(db, { silentMs: 400 });
    expect(first).toEqual([{ streamUuid, listenerId: 'ghost', released: false }]);
    expect(await getStream(db, streamUuid)).toMatchObject({ numListeners: 2, active: true });
    // A second sweep finds nothing more: the ghost left once.
    expect(await dropSilentListeners(db, { silentMs: 400 })).toEqual([]);

    await sleep(600);
    const second = await dropSilentListeners(db, { silentMs: 400 });
    expect(second.map((row) => row.listenerId).sort()).toEqual(['kept-a', 'kept-b']);
    expect(second.filter((row) => row.released)).toHaveLength(1);
    expect(await getStream(db, streamUuid)).toMatchObject({ numListeners: 0, active: false });
    const stamps = await db.db.selectFrom('listenerPresence').select('listenerId').execute();
    expect(stamps.filter((row) => ids.includes(row.listenerId))).toEqual([]);
  });

  it('an old stamp does not drop a listener that just joined another stream', async () => {
    const db = getDb();
    const graph = await createGraph(db, { name: `presence rejoin ${engine}` });
    await upsertStreamPointFromBeacon(db, { host: '10.9.1.2', port: 47102, lastLive: new Date() });
    await touchListeners(db, ['returning']);
    await sleep(600);
    const stream = await assignStream(db, { graphUuid: graph.uuid, listenerId: 'returning' });
    expect(await dropSilentListeners(db, { silentMs: 400 })).toEqual([]);
    expect((await getStream(db, stream.uuid)).numListeners).toBe(1);
  });
});
