// A listener's stream variable reaches SuperCollider as an OSC string argument, never as code:
// a value written to look like sclang code arrives verbatim in /variable (real UDP socket).
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGraph } from '../testing/fixtures.ts';
import { gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';
import { startFakeSclang } from './engine-doubles.ts';

describeEachEngine('stream variables reach sclang as data', (getDb) => {
  let server: TestServer;
  let fakeSclang: Awaited<ReturnType<typeof startFakeSclang>>;

  beforeAll(async () => {
    fakeSclang = await startFakeSclang();
    server = await startTestServer({
      database: getDb(),
      services: { sendStreamVariable: fakeSclang.sendStreamVariable },
    });
  });
  afterAll(async () => {
    await server?.close();
    fakeSclang?.close();
  });

  it('a streamToSc value is sent as an OSC string argument, never spliced into code', async () => {
    const { port, received } = fakeSclang;
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
