import dgram from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInProcessAckBus } from './ack-bus.ts';
import { encodeOscMessage } from './osc-codec.ts';
import { createOscServer, type OscServer } from './osc-server.ts';
import { createMemoryPorts, waitUntil } from './testing/memory-ports.ts';

let server: OscServer;
let client: dgram.Socket;
const ports = createMemoryPorts();

beforeAll(async () => {
  server = await createOscServer({
    port: 0,
    ...ports,
    ackBus: createInProcessAckBus(),
    remoteActionPassword: 'pw',
  });
  client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  client.close();
  await server.close();
});

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it(
  'survives 100 000 random and mutated packets and still registers a valid beacon',
  { timeout: 240_000 },
  async () => {
    const rand = random(20261125);
    const seeds = [
      encodeOscMessage('/beacon', [
        'name',
        'fuzz',
        'lang_port',
        50000,
        'janus_out_room',
        '3',
        'use_input',
        1,
      ]),
      encodeOscMessage('/acknowledge', ['uuid', 'u', 'status', 'FINISHED', 'return_value', '2']),
      encodeOscMessage('/remote/action', [
        'protocol_version',
        '0.1',
        'action',
        'code',
        'password',
        'pw',
        'cmd',
        '1',
        'target',
        '2',
      ]),
      encodeOscMessage('/log', ['level', 20, 'message', 'hi']),
      new Uint8Array([
        ...new TextEncoder().encode('#bundle\0'),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        8,
        ...new TextEncoder().encode('/log\0\0\0\0'),
      ]),
    ];
    const total = 100_000;
    const batch = 100;
    for (let sent = 0; sent < total; sent += batch) {
      for (let i = 0; i < batch; i += 1) {
        let packet: Uint8Array;
        const kind = rand();
        if (kind < 0.3) {
          packet = new Uint8Array(Math.floor(rand() * 200)).map(() => Math.floor(rand() * 256));
        } else {
          const seed = seeds[Math.floor(rand() * seeds.length)]!;
          packet = new Uint8Array(seed);
          const flips = 1 + Math.floor(rand() * 4);
          for (let f = 0; f < flips; f += 1)
            packet[Math.floor(rand() * packet.length)] = Math.floor(rand() * 256);
          if (rand() < 0.3) packet = packet.slice(0, Math.floor(rand() * packet.length));
        }
        if (packet.length === 0) packet = new Uint8Array([0]);
        client.send(packet, server.port, '127.0.0.1');
      }
      // back-pressure: let the server drain before the next batch; UDP may drop some, so stop waiting
      // as soon as the count reaches the batch or stops moving (bounded)
      const target = sent + batch;
      for (let last = -1, tries = 0; tries < 100; tries += 1) {
        const now = server.stats().packets;
        if (now >= target || now === last) break;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    await server.idle();
    const stats = server.stats();
    expect(stats.packets).toBeGreaterThan(total * 0.9);
    const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    expect(dropped).toBeGreaterThan(total * 0.5);
    expect(stats.dropped.INTERNAL ?? 0).toBe(0);
    console.info(
      `fuzz: ${stats.packets} packets received, dropped by reason ${JSON.stringify(stats.dropped)}, handled ${JSON.stringify(stats.handled)}`,
    );

    client.send(
      encodeOscMessage('/beacon', ['name', 'after-fuzz', 'lang_port', 57999]),
      server.port,
      '127.0.0.1',
    );
    const point = await waitUntil(
      () => ports.points.get('127.0.0.1:57999'),
      3000,
      'beacon after fuzz',
    );
    expect(point.name).toBe('after-fuzz');
  },
);
