// Listeners of a shared stream run one engine, and one editor's cell edit reaches the other
// editor's node subscription.
import { createNode, createScriptCells } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually, subscribe, wsClient } from '../testing/ws-clients.ts';
import { idleEngineFactory } from './engine-doubles.ts';
import { streamInfoQuery } from './subscription-helpers.ts';

describeEachEngine('shared engines and live editing', (getDb) => {
  let server: TestServer;
  const engineStreams: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      database: getDb(),
      options: { reconnectGraceMs: 0 },
      services: { engineFactory: idleEngineFactory(engineStreams) },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  // Original: ONE_GRAPH_ONE_STREAM started one Engine per listener on the same SC instance.
  it('three listeners of a shared stream run one engine', async () => {
    await insertLivePoints(getDb(), 2);
    const graph = await createTestGraph(getDb(), { policy: 'one_graph_one_stream' });
    const clients = [wsClient(server.wsUrl), wsClient(server.wsUrl), wsClient(server.wsUrl)];
    try {
      const uuids: string[] = [];
      for (const client of clients) {
        const result = await subscribe(client, streamInfoQuery, { g: graph.uuid }).next();
        uuids.push((result!.data!.streamInfo as { stream: { uuid: string } }).stream.uuid);
      }
      expect(new Set(uuids).size).toBe(1);
      await eventually(() => engineStreams.includes(uuids[0]!));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(engineStreams.filter((uuid) => uuid === uuids[0])).toHaveLength(1);
    } finally {
      await Promise.all(clients.map(async (client) => client.dispose()));
    }
  });

  // Original: queryset updates in updateScriptCells never broadcast, so other editors saw stale code.
  it("one editor's cell edit reaches the other editor's node subscription", async () => {
    const [alice, bob] = [await createEditor(getDb()), await createEditor(getDb())];
    const graph = await createTestGraph(getDb());
    const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'n' });
    const [cell] = await createScriptCells(getDb(), [
      { nodeUuid: node.uuid, cellType: 'markdown', cellCode: 'hello' },
    ]);
    const client = wsClient(server.wsUrl, { authorization: alice.bearer.authorization });
    const nodeSub = subscribe(
      client,
      `subscription($n: UUID!) { node(nodeUuid: $n) { scriptCells { cellCode } } }`,
      { n: node.uuid },
    );
    try {
      expect((await nodeSub.next())?.data).toEqual({
        node: { scriptCells: [{ cellCode: 'hello' }] },
      });
      const edited = await gql(
        server.url,
        `mutation($c: UUID!) { updateScriptCells(scriptCellInputs: [{ uuid: $c, cellCode: "changed" }]) { cellCode } }`,
        { c: cell!.uuid },
        bob.bearer,
      );
      expect(edited.data?.updateScriptCells).toEqual([{ cellCode: 'changed' }]);
      expect((await nodeSub.next())?.data).toEqual({
        node: { scriptCells: [{ cellCode: 'changed' }] },
      });
    } finally {
      nodeSub.stop();
      await client.dispose();
    }
  });
});
