// One test per security hole of inventory §11.1 that applies to the API; each fails on the
// original behaviour (no auth checks, all graphs listed, any stream writable).
import { createClient, type Client } from 'graphql-ws';
import { createNode, createScriptCells, getScriptCell } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';

function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** Collects the first `count` results (or the error) of a subscription. */
async function firstResults(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count = 1,
) {
  const results: {
    data?: unknown;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }[] = [];
  const iterator = client.iterate({ query, variables });
  try {
    for await (const result of iterator) {
      results.push(result);
      if (results.length >= count) break;
    }
  } catch (error) {
    results.push({ errors: (Array.isArray(error) ? error : [error]) as { message: string }[] });
  } finally {
    await iterator.return?.();
  }
  return results;
}

describeEachEngine('API security holes (inventory §11.1)', (getDb) => {
  let server: TestServer;
  let editor: Awaited<ReturnType<typeof createEditor>>;

  beforeAll(async () => {
    server = await startTestServer({ database: getDb(), options: { reconnectGraceMs: 0 } });
    editor = await createEditor(getDb());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('anonymous updateScriptCells is refused and changes nothing', async () => {
    const graph = await createTestGraph(getDb());
    const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'n' });
    const [cell] = await createScriptCells(getDb(), [
      { nodeUuid: node.uuid, cellType: 'comment', cellCode: 'before' },
    ]);
    const result = await gql(
      server.url,
      `mutation($cells: [ScriptCellInputUpdate!]!) { updateScriptCells(scriptCellInputs: $cells) { uuid cellCode } }`,
      { cells: [{ uuid: cell!.uuid, cellCode: 'hacked' }] },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await getScriptCell(getDb(), cell!.uuid)).cellCode).toBe('before');
    const allowed = await gql(
      server.url,
      `mutation($cells: [ScriptCellInputUpdate!]!) { updateScriptCells(scriptCellInputs: $cells) { uuid cellCode } }`,
      { cells: [{ uuid: cell!.uuid, cellCode: '' }] },
      editor.bearer,
    );
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.updateScriptCells).toEqual([{ uuid: cell!.uuid, cellCode: '' }]);
  });

  it('anonymous upload (addAudioFile) is refused before the file is read', async () => {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: `mutation($file: Upload!) { addAudioFile(newAudioFile: { file: $file, name: "x", description: "", fileName: "x.wav" }) { __typename } }`,
        variables: { file: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([new Uint8Array(1024)]), 'x.wav');
    const response = await fetch(server.url, {
      method: 'POST',
      body: form,
      headers: { 'x-graphql-yoga-csrf': '1' },
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const count = await getDb()
      .db.selectFrom('audioFile')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('anonymous graph, node, streamLogs and streams subscriptions are refused', async () => {
    const graph = await createTestGraph(getDb());
    const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'secret code' });
    const client = wsClient(server.wsUrl);
    try {
      const operations: [string, Record<string, unknown>][] = [
        [
          `subscription($g: UUID!) { graph(graphUuid: $g) { uuid nodes { scriptCells { cellCode } } } }`,
          { g: graph.uuid },
        ],
        [
          `subscription($n: UUID!) { node(nodeUuid: $n) { uuid scriptCells { cellCode } } }`,
          { n: node.uuid },
        ],
        [`subscription { streamLogs { uuid message } }`, {}],
        [`subscription { streams(limit: 5) { uuid } }`, {}],
      ];
      for (const [query, variables] of operations) {
        const [result] = await firstResults(client, query, variables);
        expect(result?.data ?? null, query).toBeNull();
        expect(result?.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
      }
      const editorClient = wsClient(server.wsUrl, { authorization: editor.bearer.authorization });
      const [ok] = await firstResults(editorClient, operations[1]![0], operations[1]![1]);
      expect(ok?.data).toEqual({ node: { uuid: node.uuid, scriptCells: [] } });
      await editorClient.dispose();
    } finally {
      await client.dispose();
    }
  });

  it('anonymous callers see public graphs only', async () => {
    const hidden = await createTestGraph(getDb(), { publicVisible: false });
    const shown = await createTestGraph(getDb(), { publicVisible: true });
    const query = `{ graphs { uuid } }`;
    const anonymous = await gql<{ graphs: { uuid: string }[] }>(server.url, query);
    const uuids = anonymous.data?.graphs.map((graph) => graph.uuid) ?? [];
    expect(uuids).toContain(shown.uuid);
    expect(uuids).not.toContain(hidden.uuid);
    const asEditor = await gql<{ graphs: { uuid: string }[] }>(
      server.url,
      query,
      {},
      editor.bearer,
    );
    expect(asEditor.data?.graphs.map((graph) => graph.uuid)).toContain(hidden.uuid);
    const nodes = await gql(server.url, `{ graphs { uuid nodes { uuid } } }`);
    expect(nodes.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("a listener cannot write another listener's stream variables", async () => {
    await insertLivePoints(getDb(), 2);
    const graph = await createTestGraph(getDb());
    const query = `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename ... on StreamInfo { listenerToken stream { uuid } } } }`;
    const alice = wsClient(server.wsUrl);
    const bob = wsClient(server.wsUrl);
    const aliceIt = alice.iterate({ query, variables: { g: graph.uuid } });
    const bobIt = bob.iterate({ query, variables: { g: graph.uuid } });
    try {
      type Info = { data: { streamInfo: { listenerToken: string; stream: { uuid: string } } } };
      const a = ((await aliceIt.next()).value as Info).data.streamInfo;
      const b = ((await bobIt.next()).value as Info).data.streamInfo;
      expect(a.stream.uuid).not.toBe(b.stream.uuid);
      const mutation = `mutation($vars: [StreamVariableInput!]!, $token: String) { createUpdateStreamVariable(streamVariables: $vars, listenerToken: $token) { key value } }`;
      const withoutToken = await gql(server.url, mutation, {
        vars: [{ streamUuid: b.stream.uuid, key: 'k', value: 'v' }],
      });
      expect(withoutToken.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const othersStream = await gql(server.url, mutation, {
        vars: [{ streamUuid: b.stream.uuid, key: 'k', value: 'v' }],
        token: a.listenerToken,
      });
      expect(othersStream.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const own = await gql(server.url, mutation, {
        vars: [{ streamUuid: a.stream.uuid, key: 'k', value: '' }],
        token: a.listenerToken,
      });
      expect(own.errors).toBeUndefined();
      expect(own.data?.createUpdateStreamVariable).toEqual([{ key: 'k', value: '' }]);
      const rows = await getDb()
        .db.selectFrom('streamVariable')
        .select('streamUuid')
        .where('key', '=', 'k')
        .execute();
      expect(rows.map((row) => row.streamUuid)).toEqual([a.stream.uuid]);
    } finally {
      await aliceIt.return?.();
      await bobIt.return?.();
      await alice.dispose();
      await bob.dispose();
    }
  });
});
