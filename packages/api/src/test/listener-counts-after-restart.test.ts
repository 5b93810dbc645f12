// A restarted backend keeps the listener counts of other backends and resumes its own exactly once.
import { getStream, listStreamListeners } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';
import { idleEngineFactory } from './engine-doubles.ts';
import { streamInfoQuery } from './subscription-helpers.ts';

describeEachEngine(
  'listener counts across a backend restart',
  (getDb) => {
    const servers: TestServer[] = [];
    afterEach(async () => {
      await Promise.allSettled(servers.splice(0).map((server) => server.close()));
    });
    const start = async (backendId: string) => {
      const server = await startTestServer({
        database: getDb(),
        options: { backendId, engineLeaseMs: 1_000, reconnectGraceMs: 10_000 },
        services: { engineFactory: idleEngineFactory([]) },
      });
      servers.push(server);
      return server;
    };

    // Original: both processes reset every stream's listener counter at start-up, so a restart
    // zeroed the streams of listeners still connected elsewhere (and later leaves went negative).
    it('a restarted backend keeps the counts of listeners on other backends and resumes its own exactly once', async () => {
      await insertLivePoints(getDb(), 2);
      const graph = await createTestGraph(getDb());
      const a = await start('restart-a');
      const b = await start('restart-b');
      type Info = { listenerToken: string; stream: { uuid: string; numListeners: number } };
      const onA = subscribe(wsClient(a.wsUrl), streamInfoQuery, { g: graph.uuid });
      const first = (await onA.next(20_000))!.data!.streamInfo as Info;
      const onB = subscribe(wsClient(b.wsUrl), streamInfoQuery, { g: graph.uuid });
      const second = (await onB.next(20_000))!.data!.streamInfo as Info;
      const counts = async () =>
        Promise.all(
          [first, second].map(async (info) => {
            const row = await getStream(getDb(), info.stream.uuid);
            return { active: row.active, numListeners: row.numListeners };
          }),
        );
      const one = { active: true, numListeners: 1 };
      expect(await counts()).toEqual([one, one]);

      // Restart B (SIGTERM drain, then a new process on the same database).
      await b.api.drain();
      await b.close();
      const restarted = await start('restart-b2');
      expect(await counts()).toEqual([one, one]);

      // B's listener reconnects with its token: same stream, counted once, not twice or zero.
      const back = subscribe(wsClient(restarted.wsUrl), streamInfoQuery, {
        g: graph.uuid,
        token: second.listenerToken,
      });
      const resumed = (await back.next(20_000))!.data!.streamInfo as Info;
      expect(resumed.stream).toMatchObject({ uuid: second.stream.uuid, numListeners: 1 });
      expect(await counts()).toEqual([one, one]);
      expect(await listStreamListeners(getDb(), first.stream.uuid)).toHaveLength(1);
      expect(await listStreamListeners(getDb(), second.stream.uuid)).toHaveLength(1);

      // Both leave: each counter goes to exactly zero.
      onA.stop();
      back.stop();
      await eventually(async () =>
        (await counts()).every((count) => count.numListeners === 0 && !count.active),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await counts()).map((count) => count.numListeners)).toEqual([0, 0]);
      onB.stop();
    }, 90_000);
  },
  { fresh: 'test' },
);
