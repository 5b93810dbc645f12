// Several backends: two API servers on one database share live updates through Redis pub/sub.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createNode } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisPubSub } from '@gencaster/live';
import { createTestGraph } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

const redisMissing = (() => {
  try {
    return spawn('redis-server', ['--version']).pid === undefined
      ? 'redis-server not found'
      : undefined;
  } catch {
    return 'redis-server not found';
  }
})();
if (redisMissing) console.warn(`[api] skipping Redis pub/sub test: ${redisMissing}`);

describeEachEngine('two backends with Redis pub/sub', (getDb) => {
  let redis: ChildProcess | undefined;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    if (redisMissing) return;
    const port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const url = `redis://127.0.0.1:${port}`;
    a = await startTestServer({ database: getDb(), pubsub: createRedisPubSub({ url }) });
    b = await startTestServer({ database: getDb(), pubsub: createRedisPubSub({ url }) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    redis?.kill('SIGTERM');
  });

  it.skipIf(redisMissing !== undefined)(
    'an edit through backend B reaches a node subscription on backend A',
    async () => {
      const editor = await createEditor(getDb());
      const graph = await createTestGraph(getDb());
      const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'one' });
      const client = wsClient(a.wsUrl, { authorization: editor.bearer.authorization });
      const sub = subscribe(client, `subscription($n: UUID!) { node(nodeUuid: $n) { name } }`, {
        n: node.uuid,
      });
      expect((await sub.next())?.data).toEqual({ node: { name: 'one' } });
      await new Promise((resolve) => setTimeout(resolve, 200)); // Redis SUBSCRIBE is asynchronous
      await gql(
        b.url,
        `mutation($n: UUID!) { updateNode(nodeUpdate: { uuid: $n, name: "two" }) }`,
        { n: node.uuid },
        editor.bearer,
      );
      expect((await sub.next())?.data).toEqual({ node: { name: 'two' } });
      sub.stop();
      await client.dispose();
    },
  );
});
