// A stream's listener count over WebSocket sessions: every leave is counted once (complete, socket
// close, server shutdown, the graph ending), two subscriptions on one socket keep their own
// sessions, and a deactivated graph answers NoStreamAvailable.
import { getStream, listStreamListeners } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';
import { endingEngineFactory } from './engine-doubles.ts';
import { streamInfoQuery } from './subscription-helpers.ts';

describeEachEngine(
  'listener counts of WebSocket sessions',
  (getDb) => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer({ database: getDb(), options: { reconnectGraceMs: 0 } });
    });
    afterEach(async () => {
      await server?.close();
    });

    // Original: a WS stop decremented and the later disconnect decremented again (negative counts).
    it('a leave is counted once for complete, socket close and server shutdown', async () => {
      await insertLivePoints(getDb(), 3);
      const graph = await createTestGraph(getDb(), { policy: 'one_graph_one_stream' });
      const [a, b, c] = [wsClient(server.wsUrl), wsClient(server.wsUrl), wsClient(server.wsUrl)];
      const sa = subscribe(a, streamInfoQuery, { g: graph.uuid });
      await sa.next();
      const sb = subscribe(b, streamInfoQuery, { g: graph.uuid });
      await sb.next();
      const sc = subscribe(c, streamInfoQuery, { g: graph.uuid });
      const info = (await sc.next())!.data!.streamInfo as {
        stream: { uuid: string; numListeners: number };
      };
      expect(info.stream.numListeners).toBe(3);
      const count = async () =>
        (
          await getDb()
            .db.selectFrom('stream')
            .select('numListeners')
            .where('uuid', '=', info.stream.uuid)
            .executeTakeFirstOrThrow()
        ).numListeners;
      sa.stop(); // complete
      await eventually(async () => (await count()) === 2);
      await b.dispose(); // socket close
      await eventually(async () => (await count()) === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await count()).toBe(1);
      await server.close(); // shutdown
      expect(await count()).toBe(0);
      await a.dispose();
      await c.dispose();
    });

    // Original: the consumer had one callback slot and its stop check ignored the subscription id,
    // so a second streamInfo on the same socket overwrote the first and either stop decremented.
    it('two streamInfo subscriptions on one socket keep their own sessions; stopping one leaves the other counted', async () => {
      await insertLivePoints(getDb(), 2);
      const graph = await createTestGraph(getDb());
      const client = wsClient(server.wsUrl);
      const first = subscribe(client, streamInfoQuery, { g: graph.uuid });
      const second = subscribe(client, streamInfoQuery, { g: graph.uuid });
      type Info = { stream: { uuid: string; numListeners: number } };
      const a = ((await first.next())!.data!.streamInfo as Info).stream;
      const b = ((await second.next())!.data!.streamInfo as Info).stream;
      expect(a.uuid).not.toBe(b.uuid);
      const count = async (uuid: string) => (await getStream(getDb(), uuid)).numListeners;
      expect([await count(a.uuid), await count(b.uuid)]).toEqual([1, 1]);
      first.stop();
      await eventually(async () => (await count(a.uuid)) === 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([await count(a.uuid), await count(b.uuid)]).toEqual([0, 1]);
      expect(second.done).toBe(false);
      await client.dispose();
      await eventually(async () => (await count(b.uuid)) === 0);
    });

    // Original: counters were never decremented when the graph simply ended.
    it('a graph that simply ends releases its listener count', async () => {
      await insertLivePoints(getDb(), 1);
      const graph = await createTestGraph(getDb());
      const ending = await startTestServer({
        database: getDb(),
        // the end screen's grace shortened: the release after it is what is checked
        options: { reconnectGraceMs: 0, endScreenGraceMs: 200 },
        services: { engineFactory: endingEngineFactory },
      });
      const client = wsClient(ending.wsUrl);
      try {
        const session = subscribe(client, streamInfoQuery, { g: graph.uuid });
        const info = (await session.next())!.data!.streamInfo as { stream: { uuid: string } };
        const results = [];
        for (let result = await session.next(); result; result = await session.next())
          results.push(result.data?.streamInfo);
        expect(results.at(-1)).toMatchObject({ __typename: 'GraphDeadEnd' });
        await eventually(
          async () => (await getStream(getDb(), info.stream.uuid)).numListeners === 0,
        );
        expect(await listStreamListeners(getDb(), info.stream.uuid)).toEqual([]);
      } finally {
        await client.dispose();
        await ending.close();
      }
    });

    // Original: the DEACTIVATE assignment policy was ignored and a stream was handed out anyway.
    it('a deactivated graph answers NoStreamAvailable', async () => {
      await insertLivePoints(getDb(), 1);
      const graph = await createTestGraph(getDb(), { policy: 'deactivate' });
      const client = wsClient(server.wsUrl);
      const s = subscribe(client, streamInfoQuery, { g: graph.uuid });
      expect((await s.next())?.data?.streamInfo).toEqual({
        __typename: 'NoStreamAvailable',
        error: 'No stream available',
      });
      expect(await s.next()).toBeUndefined();
      await client.dispose();
    });
  },
  { fresh: 'test' },
);
