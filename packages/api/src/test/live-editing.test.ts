// Two editors: an edit by one arrives at the other's graph/node subscription — over graphql-ws and
// over the legacy subscriptions-transport-ws protocol the original editor speaks.
import { createNode, createScriptCells } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestGraph } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

describeEachEngine('two editors', (getDb) => {
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof createEditor>>;
  let bob: Awaited<ReturnType<typeof createEditor>>;
  beforeAll(async () => {
    server = await startTestServer({ database: getDb() });
    alice = await createEditor(getDb());
    bob = await createEditor(getDb());
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a node edit by one editor arrives at the other's graph and node subscriptions", async () => {
    const graph = await createTestGraph(getDb());
    const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'before' });
    await createScriptCells(getDb(), [
      { nodeUuid: node.uuid, cellType: 'markdown', cellCode: 'hello' },
    ]);
    const client = wsClient(server.wsUrl, { authorization: alice.bearer.authorization });
    const graphSub = subscribe(
      client,
      `subscription($g: UUID!) { graph(graphUuid: $g) { nodes { uuid name positionX } } }`,
      { g: graph.uuid },
    );
    const nodeSub = subscribe(
      client,
      `subscription($n: UUID!) { node(nodeUuid: $n) { name scriptCells { cellCode } } }`,
      { n: node.uuid },
    );
    expect((await nodeSub.next())?.data).toEqual({
      node: { name: 'before', scriptCells: [{ cellCode: 'hello' }] },
    });
    await graphSub.next();
    const moved = await gql(
      server.url,
      `mutation($n: UUID!) { updateNode(nodeUpdate: { uuid: $n, name: "after", positionX: 0 }) }`,
      { n: node.uuid },
      bob.bearer,
    );
    expect(moved.errors).toBeUndefined();
    expect((await nodeSub.next())?.data).toEqual({
      node: { name: 'after', scriptCells: [{ cellCode: 'hello' }] },
    });
    const graphUpdate = (await graphSub.next())?.data?.graph as {
      nodes: { uuid: string; name: string }[];
    };
    expect(graphUpdate.nodes.find((n) => n.uuid === node.uuid)?.name).toBe('after');
    nodeSub.stop();
    graphSub.stop();
    await client.dispose();
  });

  it('the legacy graphql-ws protocol (start/data/stop/complete) delivers node updates', async () => {
    const graph = await createTestGraph(getDb());
    const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'legacy' });
    const socket = new WebSocket(server.wsUrl, 'graphql-ws');
    const messages: {
      type: string;
      id?: string;
      payload?: { data?: { node?: { name: string } } };
    }[] = [];
    const waitFor = async (predicate: (m: (typeof messages)[number]) => boolean) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timeout; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    socket.on('message', (raw: Buffer) =>
      messages.push(JSON.parse(raw.toString('utf8')) as (typeof messages)[number]),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    expect(socket.protocol).toBe('graphql-ws');
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: alice.bearer.authorization },
      }),
    );
    await waitFor((m) => m.type === 'connection_ack');
    socket.send(
      JSON.stringify({
        type: 'start',
        id: '1',
        payload: {
          query: `subscription($n: UUID!) { node(nodeUuid: $n) { name } }`,
          variables: { n: node.uuid },
        },
      }),
    );
    await waitFor((m) => m.type === 'data' && m.payload?.data?.node?.name === 'legacy');
    await gql(
      server.url,
      `mutation($n: UUID!) { updateNode(nodeUpdate: { uuid: $n, name: "renamed" }) }`,
      { n: node.uuid },
      bob.bearer,
    );
    await waitFor((m) => m.type === 'data' && m.payload?.data?.node?.name === 'renamed');
    socket.send(
      JSON.stringify({
        type: 'start',
        id: '2',
        payload: { query: `{ isAuthenticated { username } }` },
      }),
    );
    await waitFor((m) => m.type === 'complete' && m.id === '2');
    socket.send(JSON.stringify({ type: 'stop', id: '1' }));
    await waitFor((m) => m.type === 'complete' && m.id === '1');
    socket.close();
  });
});
