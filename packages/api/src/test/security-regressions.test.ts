// Regression tests for the known weaknesses of the original Gencaster (inventory §11.1 security,
// §11.2 concurrency). Each test names its item and asserts our fixed behaviour in a way that fails
// against the original one. Real components throughout: PGlite and PostgreSQL, real HTTP and
// WebSocket servers, real UDP sockets.
import { createSocket, type Socket } from 'node:dgram';
import { createNode, createScriptCells, getScriptCell } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import {
  createInProcessAckBus,
  createInstructionSender,
  createMessageAuthenticator,
  decodeOscPacket,
  encodeOscMessage,
} from '@gencaster/osc';
import { escapeXml } from '@gencaster/story';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

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

describeEachEngine('inventory §11.1 security: API authorization', (getDb) => {
  let server: TestServer;
  let editor: Awaited<ReturnType<typeof createEditor>>;

  beforeAll(async () => {
    server = await startTestServer({ database: getDb(), options: { reconnectGraceMs: 0 } });
    editor = await createEditor(getDb());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('§11.1 missing auth: anonymous updateScriptCells is refused and changes nothing', async () => {
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

  it('§11.1 missing auth: anonymous addAudioFile upload is refused before the file is read', async () => {
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

  it('§11.1 missing auth: anonymous graph, node, streamLogs and streams subscriptions are refused', async () => {
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

  it('§11.1 missing auth: graphs lists public graphs only to anonymous callers', async () => {
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

  it("§11.1 sclang injection by anonymous listeners: createUpdateStreamVariable refuses a stream that is not the caller's", async () => {
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

describeEachEngine('inventory §11.1 security: values reach sclang as data', (getDb) => {
  let server: TestServer;
  let fakeSclang: Socket;
  let sender: Socket;
  const received: { address: string; args: unknown[] }[] = [];

  beforeAll(async () => {
    fakeSclang = createSocket('udp4');
    fakeSclang.on('message', (data) => {
      for (const message of decodeOscPacket(data)) {
        received.push({
          address: message.address,
          args: message.args.map((arg) => (arg as { value: unknown }).value),
        });
      }
    });
    await new Promise<void>((resolve) => fakeSclang.bind(0, '127.0.0.1', () => resolve()));
    sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
    const instructionSender = createInstructionSender({
      server: {
        send: (host, port, address, values) =>
          new Promise<void>((resolve, reject) =>
            sender.send(encodeOscMessage(address, values), port, host, (error) =>
              error ? reject(error) : resolve(),
            ),
          ),
      },
      ledger: { markSent: () => Promise.resolve(), applyAck: () => Promise.resolve('ok' as const) },
      ackBus: createInProcessAckBus(),
    });
    server = await startTestServer({
      database: getDb(),
      services: {
        sendStreamVariable: ({ point, key, value }) =>
          instructionSender.sendVariable({ host: point.host, port: point.port, key, value }),
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    fakeSclang?.close();
    sender?.close();
  });

  it('§11.1 sclang injection: a streamToSc value is sent as an OSC string argument, never spliced into code', async () => {
    const { port } = fakeSclang.address();
    await getDb()
      .db.insertInto('streamPoint')
      .values({ host: '127.0.0.1', port, lastLive: new Date() })
      .execute();
    const graph = await createTestGraph(getDb());
    const client = wsClient(server.wsUrl);
    const session = subscribe(
      client,
      `subscription($g: UUID!) { streamInfo(graphUuid: $g) { ... on StreamInfo { listenerToken stream { uuid } } } }`,
      { g: graph.uuid },
    );
    const info = (await session.next())!.data!.streamInfo as {
      listenerToken: string;
      stream: { uuid: string };
    };
    const hostile = '1); "touch /tmp/pwned".unixCmd; (';
    const result = await gql(
      server.url,
      `mutation($vars: [StreamVariableInput!]!, $t: String) { createUpdateStreamVariable(streamVariables: $vars, listenerToken: $t) { key value streamToSc } }`,
      {
        vars: [{ streamUuid: info.stream.uuid, key: 'ready', value: hostile, streamToSc: true }],
        t: info.listenerToken,
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createUpdateStreamVariable).toEqual([
      { key: 'ready', value: hostile, streamToSc: true },
    ]);
    const deadline = Date.now() + 5_000;
    while (received.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([{ address: '/variable', args: ['ready', hostile] }]);
    expect(received.some((message) => message.address === '/instruction')).toBe(false);
    session.stop();
    await client.dispose();
  });
});

describe('inventory §11.1 security: OSC and SSML', () => {
  it('§11.1 OSC: unsigned /beacon and /acknowledge from a non-loopback sender are refused when a secret is set', () => {
    const auth = createMessageAuthenticator({ secret: 'a-secret-of-16-chars' });
    for (const address of ['/beacon', '/acknowledge']) {
      expect(() => auth.verify(address, { name: 'fake', lang_port: 1 }, '192.0.2.10')).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error,
      );
    }
    expect(auth.verify('/beacon', { name: 'local', lang_port: 1 }, '127.0.0.1')).toBe('unsigned');
  });

  it('§11.1 SSML text is XML-escaped: & and < from markdown or {var} cannot inject SSML', () => {
    expect(escapeXml('a & b <break time="9s"/>')).toBe(
      'a &amp; b &lt;break time=&quot;9s&quot;/&gt;',
    );
  });
});
