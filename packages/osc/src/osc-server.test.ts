import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import osc from 'osc';
import { createInProcessAckBus } from './ack-bus.ts';
import { encodeOscMessage } from './osc-codec.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import { signRecord } from './message-auth.ts';
import type { InstructionAck, OscLogger } from './ports.ts';
import type { OscValue } from './osc-values.ts';
import { createMemoryPorts, waitUntil } from './testing/memory-ports.ts';

const SECRET = 'test-secret';

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  const logger: OscLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { lines, logger };
}

function flat(record: Record<string, OscValue>): OscValue[] {
  return Object.entries(record).flat();
}

function pairsOf(values: OscValue[]): Record<string, OscValue> {
  const record: Record<string, OscValue> = {};
  for (let i = 0; i < values.length; i += 2) record[String(values[i])] = values[i + 1] as OscValue;
  return record;
}

describe('OSC server over real UDP', () => {
  let ports: ReturnType<typeof createMemoryPorts>;
  let server: OscServer;
  let client: dgram.Socket;
  let acks: InstructionAck[];
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    ports = createMemoryPorts();
    log = recordingLogger();
    const ackBus = createInProcessAckBus();
    acks = [];
    ackBus.subscribe((ack) => acks.push(ack));
    server = await createOscServer({
      port: 0,
      ...ports,
      ackBus,
      secret: SECRET,
      remoteActionPassword: 'helloSC',
      logger: log.logger,
    });
    client = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    client.close();
    await server.close();
  });

  async function sendRaw(data: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      client.send(data, server.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
    );
  }
  /** Sends without a signature (what an original client or a forger sends). */
  const sendUnsigned = (address: string, values: OscValue[]) =>
    sendRaw(encodeOscMessage(address, values));
  /** Signs key/value lists as our SuperCollider class does; odd-length lists go as they are. */
  const send = (address: string, values: OscValue[]) =>
    values.length % 2 === 0
      ? sendUnsigned(address, flat(signRecord(address, pairsOf(values), SECRET)))
      : sendUnsigned(address, values);
  async function settle(packets: number): Promise<void> {
    await waitUntil(() => server.stats().packets >= packets, 3000, `${packets} packets`);
    await server.idle();
  }

  it('binds 127.0.0.1 on a free port', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  it('upserts a stream point from an original-format beacon; host = sender, port = lang_port', async () => {
    // as the original class sends it: Event order, rooms as strings, use_input as 0/1, uuid and status
    await send('/beacon', [
      'janus_in_room',
      '2',
      'name',
      'SuperCollider3',
      'synth_port',
      57113,
      'lang_port',
      57123,
      'janus_out_port',
      5002,
      'janus_in_port',
      6002,
      'janus_out_room',
      '3',
      'janus_public_ip',
      '1.2.3.4',
      'use_input',
      1,
      'osc_backend_host',
      '127.0.0.1',
      'osc_backend_port',
      7000,
      'uuid',
      0,
      'status',
      'BEACON',
    ]);
    await settle(1);
    const point = ports.points.get('127.0.0.1:57123');
    expect(point).toMatchObject({
      host: '127.0.0.1',
      langPort: 57123,
      name: 'SuperCollider3',
      janusOutRoom: 3,
      janusInRoom: 2,
      janusOutPort: 5002,
      janusInPort: 6002,
      janusPublicIp: '1.2.3.4',
      useInput: true,
    });
    expect(Date.now() - point!.lastLive!.getTime()).toBeLessThan(2000);
  });

  it('accepts a beacon without the optional Janus keys', async () => {
    await send('/beacon', [
      'name',
      'bare',
      'lang_port',
      57200,
      'synth_port',
      57110,
      'use_input',
      0,
    ]);
    await settle(1);
    expect(ports.points.get('127.0.0.1:57200')).toMatchObject({
      janusOutRoom: null,
      janusInRoom: null,
      janusOutPort: null,
      janusPublicIp: null,
      useInput: false,
    });
  });

  it('applies acknowledgements and publishes them; unknown uuids are logged, not fatal', async () => {
    ports.ledger.create('u-1');
    await ports.ledger.markSent('u-1');
    await send('/acknowledge', ['uuid', 'u-1', 'status', 'RECEIVED']);
    await send('/acknowledge', ['status', 'FINISHED', 'uuid', 'u-1', 'return_value', '2']);
    await send('/acknowledge', ['uuid', 'nobody', 'status', 'FINISHED', 'return_value', 'x']);
    await settle(3);
    expect(ports.instructions.get('u-1')).toMatchObject({ state: 'FINISHED', returnValue: '2' });
    expect(ports.instructions.get('u-1')!.history).toEqual([
      'UNACKNOWLEDGED',
      'SENT',
      'RECEIVED',
      'FINISHED',
    ]);
    expect(acks.map((a) => a.state)).toEqual(['RECEIVED', 'FINISHED']);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('unknown instruction'))).toBe(
      true,
    );
  });

  it('forwards /log lines to the log sink with origin supercollider', async () => {
    await send('/log', ['level', 40, 'message', 'ERROR: boom', 'name', 'p1']);
    await send('/log', ['level', 'warning', 'message', 'careful']);
    await settle(2);
    expect(ports.logs).toEqual([
      expect.objectContaining({
        origin: 'supercollider',
        level: 40,
        message: 'ERROR: boom',
        name: 'p1',
        streamPointHost: '127.0.0.1',
        streamPointPort: client.address().port,
      }),
      expect.objectContaining({ level: 30, message: 'careful', name: null }),
    ]);
  });

  it('runs remote actions with the right password and rejects wrong passwords and versions', async () => {
    const base = { protocol_version: '0.1', action: 'code', cmd: '1+1' };
    await sendUnsigned('/remote/action', flat({ ...base, password: 'helloSC', target: '3' }));
    await sendUnsigned('/remote/action', flat({ ...base, password: 'wrong', target: '3' }));
    await sendUnsigned(
      '/remote/action',
      flat({ ...base, protocol_version: '0.2', password: 'helloSC' }),
    );
    await sendUnsigned(
      '/remote/action',
      flat({ ...base, action: 'speak', password: 'helloSC', target: 'pointA' }),
    );
    await sendUnsigned('/remote/action', flat({ ...base, password: 'helloSC' }));
    await settle(5);
    expect(ports.actions.map((a) => a.target)).toEqual([
      { kind: 'room', room: 3 },
      { kind: 'name', name: 'pointA' },
      { kind: 'all' },
    ]);
    expect(ports.actions[1]).toMatchObject({ action: 'speak', signed: false });
    expect(server.stats().dropped).toMatchObject({ FORBIDDEN: 1, INVALID_INPUT: 1 });
  });

  it('accepts HMAC-signed remote actions and rejects a wrong secret, a replay and a stale timestamp', async () => {
    const action = { protocol_version: '0.1', action: 'code', cmd: 's.freeAll', target: 'all' };
    const good = flat(signRecord('/remote/action', action, SECRET));
    await sendUnsigned('/remote/action', good);
    await sendUnsigned('/remote/action', good); // replay
    await sendUnsigned(
      '/remote/action',
      flat(signRecord('/remote/action', action, 'other-secret')),
    );
    await sendUnsigned(
      '/remote/action',
      flat(signRecord('/remote/action', action, SECRET, Date.now() - 120_000)),
    );
    await settle(4);
    expect(ports.actions).toHaveLength(1);
    expect(ports.actions[0]).toMatchObject({ signed: true, cmd: 's.freeAll' });
    expect(server.stats().dropped).toMatchObject({ UNAUTHENTICATED: 3 });
  });

  it('drops malformed packets with typed errors and keeps answering', async () => {
    await sendRaw(new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    await sendRaw(new TextEncoder().encode('/beacon\0,s\0\0'));
    await send('/beacon', ['name', 'x', 'lang_port']); // odd length
    await send('/beacon', ['name', 'x', 'lang_port', 'not-a-port']);
    await send('/acknowledge', ['uuid', 'u', 'status']);
    await sendRaw(
      osc.writePacket(
        {
          address: '/beacon',
          args: [
            { type: 's', value: 'lang_port' },
            { type: 'b', value: new Uint8Array([1, 2]) },
          ],
        },
        { metadata: true },
      ),
    );
    await send('/nope', ['a', 1]);
    await send('/beacon', ['name', 'x'.repeat(5000), 'lang_port', 57300]); // oversized name
    let bundle: object = { address: '/beacon', args: [] };
    for (let depth = 0; depth < 10; depth += 1)
      bundle = { timeTag: osc.timeTag(0), packets: [bundle] };
    await sendRaw(osc.writePacket(bundle as never, { metadata: true }));
    await send('/beacon', ['name', 'alive', 'lang_port', 57301]);
    await settle(10);
    const { dropped } = server.stats();
    expect(dropped.INVALID_INPUT).toBe(8);
    expect(dropped['unknown-address']).toBe(1);
    expect(ports.points.get('127.0.0.1:57301')?.name).toBe('alive');
    expect(ports.points.has('127.0.0.1:57300')).toBe(false);
    expect(
      log.lines.filter((l) => l.level === 'warn' && l.msg.startsWith('osc: dropped')).length,
    ).toBeGreaterThanOrEqual(9);
    expect(
      log.lines.every(
        (l) => 'sender' in l.obj || l.level !== 'warn' || !l.msg.startsWith('osc: dropped'),
      ),
    ).toBe(true);
  });
  it('refuses unsigned beacons, acks and logs from loopback when a secret exists (a local forger)', async () => {
    ports.ledger.create('u-forged');
    await ports.ledger.markSent('u-forged');
    await sendUnsigned('/beacon', ['name', 'fake', 'lang_port', 57400]);
    await sendUnsigned('/acknowledge', ['uuid', 'u-forged', 'status', 'FINISHED']);
    await sendUnsigned('/log', ['level', 40, 'message', 'forged']);
    // signed with another secret: also refused
    await sendUnsigned('/beacon', flat(signRecord('/beacon', { lang_port: 57401 }, 'not-it')));
    await settle(4);
    expect(server.stats().dropped).toMatchObject({ UNAUTHENTICATED: 4 });
    expect(ports.points.size).toBe(0);
    expect(ports.instructions.get('u-forged')?.state).toBe('SENT');
    expect(ports.logs).toHaveLength(0);
    expect(acks).toHaveLength(0);
    // the legitimate, signed sender still gets through
    await send('/beacon', ['name', 'real', 'lang_port', 57402]);
    await send('/acknowledge', ['uuid', 'u-forged', 'status', 'RECEIVED']);
    await send('/log', ['level', 20, 'message', 'real line']);
    await settle(7);
    expect(ports.points.get('127.0.0.1:57402')?.name).toBe('real');
    expect(ports.instructions.get('u-forged')?.state).toBe('RECEIVED');
    expect(ports.logs.map((l) => l.message)).toEqual(['real line']);
  });

  it('refuses replayed signed beacons, acks and logs, and stale ones', async () => {
    ports.ledger.create('u-replay');
    await ports.ledger.markSent('u-replay');
    const beacon = flat(signRecord('/beacon', { name: 'p', lang_port: 57410 }, SECRET));
    const ack = flat(signRecord('/acknowledge', { uuid: 'u-replay', status: 'RECEIVED' }, SECRET));
    const line = flat(signRecord('/log', { level: 20, message: 'once' }, SECRET));
    for (const [address, values] of [
      ['/beacon', beacon],
      ['/acknowledge', ack],
      ['/log', line],
    ] as const) {
      await sendUnsigned(address, values);
      await sendUnsigned(address, values); // captured and played again
    }
    const old = Date.now() - 120_000;
    await sendUnsigned('/log', flat(signRecord('/log', { message: 'stale' }, SECRET, old)));
    await settle(7);
    expect(server.stats().dropped).toMatchObject({ UNAUTHENTICATED: 4 });
    expect(ports.points.get('127.0.0.1:57410')?.beacons).toBe(1);
    expect(acks.map((a) => a.uuid)).toEqual(['u-replay']);
    expect(ports.logs.map((l) => l.message)).toEqual(['once']);
    // two equal lines signed in the same second differ by their nonce: both are kept
    await send('/log', ['message', 'twice']);
    await send('/log', ['message', 'twice']);
    await settle(9);
    expect(ports.logs.map((l) => l.message)).toEqual(['once', 'twice', 'twice']);
  });

  it('fails the open instructions of a point whose boot id changed, at once', async () => {
    const key = `127.0.0.1:57420`;
    await send('/beacon', ['lang_port', 57420, 'boot_id', 'boot-a']);
    for (const uuid of ['open-sent', 'open-received', 'done']) {
      ports.ledger.create(uuid, key);
      await ports.ledger.markSent(uuid);
    }
    await send('/acknowledge', ['uuid', 'open-received', 'status', 'RECEIVED']);
    await send('/acknowledge', ['uuid', 'done', 'status', 'RECEIVED']);
    await send('/acknowledge', ['uuid', 'done', 'status', 'FINISHED']);
    await send('/beacon', ['lang_port', 57420, 'boot_id', 'boot-a']); // same boot: nothing
    await settle(5);
    expect(acks.filter((a) => a.state === 'FAILURE')).toHaveLength(0);
    await send('/beacon', ['lang_port', 57420, 'boot_id', 'boot-b', 'status', 'BOOTING']);
    await settle(6);
    expect(acks.filter((a) => a.state === 'FAILURE').map((a) => a.uuid)).toEqual([
      'open-sent',
      'open-received',
    ]);
    expect(ports.instructions.get('done')?.state).toBe('FINISHED');
    expect(ports.points.get(key)).toMatchObject({ bootId: 'boot-b', ready: false, lastLive: null });
  });
});

describe('OSC plain password path (original live-coding clients)', () => {
  it('works with the right password and is rate-limited per sender address, with backoff', async () => {
    const ports = createMemoryPorts();
    await using server = await createOscServer({
      port: 0,
      ...ports,
      ackBus: createInProcessAckBus(),
      secret: SECRET,
      remoteActionPassword: 'helloSC',
      passwordLimits: { freeFailures: 3, baseDelayMs: 400 },
    });
    const clients = [dgram.createSocket('udp4'), dgram.createSocket('udp4')];
    for (const c of clients) await new Promise<void>((resolve) => c.bind(0, '127.0.0.1', resolve));
    let sent = 0;
    const action = (client: dgram.Socket, password: string, cmd: string) =>
      new Promise<void>((resolve, reject) => {
        sent += 1;
        const values = flat({ protocol_version: '0.1', action: 'code', cmd, password });
        client.send(encodeOscMessage('/remote/action', values), server.port, '127.0.0.1', (e) =>
          e ? reject(e) : resolve(),
        );
      });
    const settle = async () => {
      await waitUntil(() => server.stats().packets >= sent, 3000, `${sent} packets`);
      await server.idle();
    };
    try {
      await action(clients[0]!, 'helloSC', 'first');
      await settle();
      expect(ports.actions.map((a) => [a.cmd, a.signed])).toEqual([['first', false]]);
      // a guesser at line rate: 3 free wrong guesses, then every attempt waits
      for (let i = 0; i < 20; i += 1) await action(clients[0]!, `guess${i}`, 'x');
      await settle();
      const dropped = server.stats().dropped;
      expect(dropped.FORBIDDEN).toBe(4); // 3 free + the one that started the wait
      expect(dropped['rate-limited']).toBe(16);
      // even the right password waits, from another source port of the same address too
      await action(clients[0]!, 'helloSC', 'blocked');
      await action(clients[1]!, 'helloSC', 'blocked too');
      await settle();
      expect(server.stats().dropped['rate-limited']).toBe(18);
      expect(ports.actions).toHaveLength(1);
      // after the wait the right password works again
      await new Promise((resolve) => setTimeout(resolve, 500));
      await action(clients[1]!, 'helloSC', 'after the wait');
      await settle();
      expect(ports.actions.map((a) => a.cmd)).toEqual(['first', 'after the wait']);
      // a signed sender is never held up by the password limit
      await action(clients[0]!, 'bad', 'x');
      await sendSignedAction(clients[0]!, server.port);
      sent += 1;
      await settle();
      expect(ports.actions.map((a) => [a.cmd, a.signed]).at(-1)).toEqual(['signed', true]);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

function sendSignedAction(client: dgram.Socket, port: number): Promise<void> {
  const values = flat(
    signRecord(
      '/remote/action',
      { protocol_version: '0.1', action: 'code', cmd: 'signed' },
      SECRET,
    ),
  );
  return new Promise((resolve, reject) =>
    client.send(encodeOscMessage('/remote/action', values), port, '127.0.0.1', (e) =>
      e ? reject(e) : resolve(),
    ),
  );
}

describe('OSC bind address without a secret', () => {
  const base = () => ({ port: 0, ...createMemoryPorts(), ackBus: createInProcessAckBus() });

  it('refuses a non-loopback address without a secret, unless explicitly insecure', async () => {
    await expect(createOscServer({ ...base(), host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('GENCASTER_OSC_INSECURE') as string,
    });
    const log = recordingLogger();
    await using insecure = await createOscServer({
      ...base(),
      host: '0.0.0.0',
      allowInsecure: true,
      logger: log.logger,
    });
    expect(insecure.port).toBeGreaterThan(0);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('INSECURE'))).toBe(true);
    await using secured = await createOscServer({ ...base(), host: '0.0.0.0', secret: SECRET });
    expect(secured.port).toBeGreaterThan(0);
    await using local = await createOscServer({ ...base(), host: '127.0.0.1' });
    expect(local.port).toBeGreaterThan(0);
  });
});
