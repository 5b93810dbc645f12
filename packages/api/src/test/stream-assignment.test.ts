// The listener session's assignment and bookkeeping: race-free
// assignment, NoStreamAvailable, and exactly one leave per subscription however it ends.
import { freeStreamPoints } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';

const streamInfo = `subscription($g: UUID!, $token: String) {
  streamInfo(graphUuid: $g, listenerToken: $token) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid numListeners streamPoint { uuid } } }
    ... on NoStreamAvailable { error }
  }
}`;

describeEachEngine(
  'streamInfo assignment',
  (getDb) => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer({
        database: getDb(),
        // 500 simulated listeners share 127.0.0.1: lift the per-address session cap here
        options: {
          reconnectGraceMs: 0,
          maxSubscriptionsPerSocket: 20,
          maxListenerSessionsPerClient: 10_000,
        },
      });
    });
    afterEach(async () => {
      await server?.close();
    });

    const activeCounts = async () => {
      const rows = await getDb()
        .db.selectFrom('stream')
        .select(['numListeners', 'active'])
        .execute();
      const listeners = await getDb()
        .db.selectFrom('streamListener')
        .select('listenerId')
        .execute();
      return { rows, listeners: listeners.length };
    };

    it('500 concurrent listeners on 8 live points: 8 StreamInfo, 492 NoStreamAvailable, then all free', async () => {
      const points = await insertLivePoints(getDb(), 8);
      const graph = await createTestGraph(getDb());
      const clients = Array.from({ length: 50 }, () => wsClient(server.wsUrl));
      const subscriptions = clients.flatMap((client) =>
        Array.from({ length: 10 }, () => subscribe(client, streamInfo, { g: graph.uuid })),
      );
      const first = await Promise.all(subscriptions.map((s) => s.next(60_000)));
      const infos = first.filter(
        (r) => (r?.data?.streamInfo as { __typename: string }).__typename === 'StreamInfo',
      );
      const none = first.filter(
        (r) => (r?.data?.streamInfo as { __typename: string }).__typename === 'NoStreamAvailable',
      );
      expect(infos).toHaveLength(8);
      expect(none).toHaveLength(492);
      const assigned = infos.map(
        (r) =>
          (r!.data!.streamInfo as { stream: { streamPoint: { uuid: string } } }).stream.streamPoint
            .uuid,
      );
      expect(new Set(assigned).size).toBe(8);
      expect([...assigned].sort()).toEqual([...points].sort());
      expect((await activeCounts()).listeners).toBe(8);
      await Promise.all(clients.map(async (client) => client.dispose()));
      await eventually(async () => (await activeCounts()).listeners === 0);
      const { rows } = await activeCounts();
      expect(rows.every((row) => row.numListeners === 0 && !row.active)).toBe(true);
      expect(await freeStreamPoints(getDb())).toHaveLength(8);
    });
  },
  { fresh: 'test' },
);

describeEachEngine('streamInfo reconnect', (getDb) => {
  it('a listener who reconnects within the grace period gets the same stream back', async () => {
    const server = await startTestServer({
      database: getDb(),
      options: { reconnectGraceMs: 2_000 },
    });
    try {
      await insertLivePoints(getDb(), 2);
      const graph = await createTestGraph(getDb());
      const first = wsClient(server.wsUrl);
      const s1 = subscribe(first, streamInfo, { g: graph.uuid });
      const info = (await s1.next())!.data!.streamInfo as {
        listenerToken: string;
        stream: { uuid: string };
      };
      await first.dispose(); // connection lost
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = wsClient(server.wsUrl);
      const s2 = subscribe(second, streamInfo, { g: graph.uuid, token: info.listenerToken });
      const again = (await s2.next())!.data!.streamInfo as {
        listenerToken: string;
        stream: { uuid: string; numListeners: number };
      };
      expect(again.stream.uuid).toBe(info.stream.uuid);
      expect(again.listenerToken).toBe(info.listenerToken);
      expect(again.stream.numListeners).toBe(1);
      s2.stop();
      await eventually(
        async () =>
          (await getDb().db.selectFrom('streamListener').selectAll().execute()).length === 0,
      );
      await second.dispose();
    } finally {
      await server.close();
    }
  });
});
