// Several API servers on one database: a stream's engine runs on exactly one of them (the lease
// holder); a session resumed elsewhere waits for the lease and then resumes the persisted walk.
import { createNode, getEngineLease, type Database } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterEach, expect, it } from 'vitest';
import type { EngineFactory } from '@gencaster/live';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';

/** Engines that only persist a position and run until stopped; counts how many run where. */
function countingEngines(backendId: string, nodeUuid: () => string) {
  const running = new Set<string>();
  const loaded: Array<{ backendId: string; position: unknown }> = [];
  const factory: EngineFactory = ({ stream, walkPosition }) => {
    let stop: () => void = () => undefined;
    return {
      async run() {
        running.add(stream.uuid);
        const position = (await walkPosition?.load()) ?? null;
        loaded.push({ backendId, position });
        await walkPosition?.save({ nodeUuid: nodeUuid(), step: (position?.step ?? 0) + 1 });
        await new Promise<void>((resolve) => {
          stop = resolve;
        });
        running.delete(stream.uuid);
      },
      stop() {
        stop();
        return Promise.resolve();
      },
      releaseBlocking: () => false,
    };
  };
  return { factory, running, loaded };
}

const streamInfo = `subscription ($g: UUID!, $t: String) {
  streamInfo(graphUuid: $g, listenerToken: $t) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid } }
  }
}`;

describeEachEngine('engine leases across API servers', (getDb: () => Database) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.allSettled(servers.splice(0).map((server) => server.close()));
  });

  it('one engine per stream; a drained server hands the walk to the one that adopted the session', async () => {
    const db = getDb();
    const graph = await createTestGraph(db);
    const node = await createNode(db, { graphUuid: graph.uuid, name: 'persisted' });
    await insertLivePoints(db, 1);
    const start = async (id: string) => {
      const engines = countingEngines(id, () => node.uuid);
      const server = await startTestServer({
        database: db,
        services: { engineFactory: engines.factory },
        options: { backendId: id, engineLeaseMs: 1_000 },
      });
      servers.push(server);
      return { server, engines };
    };
    const a = await start('api-a');
    const b = await start('api-b');
    const c = await start('api-c');

    const first = subscribe(wsClient(a.server.wsUrl), streamInfo, { g: graph.uuid });
    const info = (await first.next(20_000))?.data?.streamInfo as {
      listenerToken: string;
      stream: { uuid: string };
    };
    const streamUuid = info.stream.uuid;
    await eventually(() => a.engines.running.has(streamUuid));
    expect((await getEngineLease(db, streamUuid))?.backendId).toBe('api-a');

    // B and C adopt the same listener token at once (a reconnect storm): neither may start an
    // engine while A holds the lease.
    const onB = subscribe(wsClient(b.server.wsUrl), streamInfo, {
      g: graph.uuid,
      t: info.listenerToken,
    });
    const onC = subscribe(wsClient(c.server.wsUrl), streamInfo, {
      g: graph.uuid,
      t: info.listenerToken,
    });
    expect((await onB.next(20_000))?.data?.streamInfo).toMatchObject({
      stream: { uuid: streamUuid },
    });
    expect((await onC.next(20_000))?.data?.streamInfo).toMatchObject({
      stream: { uuid: streamUuid },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // more than one lease period
    expect(b.engines.running.size + c.engines.running.size).toBe(0);
    expect((await getEngineLease(db, streamUuid))?.backendId).toBe('api-a');

    // A drains: its engine stops and releases the lease; exactly one of B and C takes over and
    // resumes from the position A persisted.
    await a.server.api.drain();
    expect(a.engines.running.size).toBe(0);
    await eventually(() => b.engines.running.size + c.engines.running.size === 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(b.engines.running.size + c.engines.running.size).toBe(1);
    const owner = (await getEngineLease(db, streamUuid))?.backendId;
    expect(['api-b', 'api-c']).toContain(owner);
    expect(a.engines.loaded).toEqual([{ backendId: 'api-a', position: null }]);
    const resumed = [...b.engines.loaded, ...c.engines.loaded];
    expect(resumed).toEqual([
      { backendId: owner, position: { nodeUuid: node.uuid, step: 1, cellsDone: 0 } },
    ]);
    onB.stop();
    onC.stop();
  }, 90_000);
});
