// Inventory §11.1: createUpdateStreamVariable with streamToSc spliced the raw value into sclang
// code. Here a hostile value must reach the stream point as OSC data (`/variable key value`), never
// inside an `/instruction`'s code. A real UDP socket plays the stream point's sclang.
import { createSocket, type Socket } from 'node:dgram';
import {
  createInProcessAckBus,
  createInstructionSender,
  decodeOscPacket,
  encodeOscMessage,
} from '@gencaster/osc';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGraph } from '../testing/fixtures.ts';
import { gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

describeEachEngine('stream variables reach sclang as data', (getDb) => {
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

  it('a hostile value is sent as an OSC string argument, not as code', async () => {
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
