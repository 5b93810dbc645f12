// Listener presence on a real database: a listener row that no backend holds (its backend died)
// is dropped once it went unstamped for `listenerSilentMs`, while the live session's row, stamped
// by its server, stays; the shared stream's count ends exact.
import { getStream, type Database } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';
import { presenceTiming } from '@gencaster/live';

const streamInfo = `subscription ($g: UUID!) {
  streamInfo(graphUuid: $g) { __typename ... on StreamInfo { stream { uuid } } }
}`;

describeEachEngine('listener presence in the API server', (getDb: () => Database) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.allSettled(servers.splice(0).map((server) => server.close()));
  });

  it("drops a dead backend's listener row and keeps the live one", async () => {
    const db = getDb();
    const graph = await createTestGraph(db, { policy: 'one_graph_one_stream' });
    await insertLivePoints(db, 1);
    const server = await startTestServer({
      database: db,
      options: { reconnectGraceMs: 200, listenerSilentMs: 1_500 },
    });
    servers.push(server);
    const live = subscribe(wsClient(server.wsUrl), streamInfo, { g: graph.uuid });
    const info = (await live.next(20_000))?.data?.streamInfo as { stream: { uuid: string } };
    const streamUuid = info.stream.uuid;
    // The row a crashed backend left behind: nobody will stamp it.
    await db.db.insertInto('streamListener').values({ streamUuid, listenerId: 'ghost' }).execute();
    expect((await getStream(db, streamUuid)).numListeners).toBe(2);

    await eventually(async () => (await getStream(db, streamUuid)).numListeners === 1, 20_000);
    const rows = await db.db
      .selectFrom('streamListener')
      .select('listenerId')
      .where('streamUuid', '=', streamUuid)
      .execute();
    expect(rows.map((row) => row.listenerId)).not.toContain('ghost');
    // The live listener outlasts several silence periods: its server keeps stamping it.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await getStream(db, streamUuid)).toMatchObject({ numListeners: 1, active: true });
    live.stop();
    await eventually(async () => !(await getStream(db, streamUuid)).active, 20_000);
  }, 60_000);

  it('waits at least the reconnect grace (and 15 s) before dropping by default', () => {
    expect(presenceTiming(30_000, undefined)).toEqual({ intervalMs: 10_000, silentMs: 50_000 });
    expect(presenceTiming(0, undefined)).toEqual({ intervalMs: 1_000, silentMs: 17_000 });
    expect(presenceTiming(200, 1_500)).toEqual({ intervalMs: 375, silentMs: 1_500 });
  });
});
