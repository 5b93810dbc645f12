// Instruction acks across backends: a stream point acknowledges to the backend it beacons to
// (A), while the engine that sent the instruction waits on another backend (B). Real UDP OSC
// servers, a real redis-server between them, the real database ledger (PGlite and PostgreSQL).
import dgram from 'node:dgram';
import {
  createDatabaseInstructionLedger,
  createDatabaseStreamPointRegistry,
  createPubSubAckBus,
  createRedisPubSub,
  type PubSub,
} from '@gencaster/live';
import { createInstruction } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import {
  createInProcessAckBus,
  createInstructionSender,
  createOscServer,
  encodeOscMessage,
  type AckBus,
  type InstructionSender,
  type OscServer,
} from '@gencaster/osc';
import { afterEach, beforeAll, afterAll, expect, it } from 'vitest';

import { localRedisUnavailable, startLocalRedis, type LocalRedis } from './local-redis.ts';

const redisMissing = localRedisUnavailable();
if (redisMissing) console.warn(`[cluster-acks] Redis tests skipped: ${redisMissing}`);

/** A stand-in stream point: receives /instruction and acknowledges FINISHED to `ackPort`. */
async function startAckingPoint(ackPort: () => number) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const received: string[] = [];
  socket.on('message', (data) => {
    // The first OSC argument of /instruction is the uuid: find it as a 36-char string.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(
      data.toString('latin1'),
    )?.[0];
    if (!uuid) return;
    received.push(uuid);
    const ack = encodeOscMessage('/acknowledge', [
      'uuid',
      uuid,
      'status',
      'FINISHED',
      'return_value',
      `done ${uuid.slice(0, 4)}`,
    ]);
    socket.send(ack, ackPort(), '127.0.0.1');
  });
  return {
    port: (socket.address() as { port: number }).port,
    received,
    close: () => socket.close(),
  };
}

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describeEachEngine(
  'instruction acks between two backends',
  (getDb) => {
    const closers: Array<() => Promise<void> | void> = [];
    let redis: LocalRedis | undefined;

    beforeAll(async () => {
      if (!redisMissing) redis = await startLocalRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
    });

    /** Backend A (receives the acks) and backend B (sends and waits), sharing `pubsubOf`. */
    async function twoBackends(options: {
      busOf: (name: string) => AckBus & { close?: () => Promise<void> };
      ledgerPollMs: number;
    }) {
      const ledger = createDatabaseInstructionLedger(getDb());
      const registry = createDatabaseStreamPointRegistry(getDb());
      const servers: Record<string, OscServer> = {};
      const senders: Record<string, InstructionSender> = {};
      for (const name of ['a', 'b']) {
        const ackBus = options.busOf(name);
        const server = await createOscServer({ port: 0, registry, ledger, ackBus });
        const sender = createInstructionSender({
          server,
          ledger,
          ackBus,
          ledgerPollMs: options.ledgerPollMs,
        });
        closers.push(async () => {
          sender.close();
          await server.close();
          await ackBus.close?.();
        });
        servers[name] = server;
        senders[name] = sender;
      }
      const point = await startAckingPoint(() => servers.a!.port);
      closers.push(() => {
        point.close();
      });
      return { point, senderB: senders.b! };
    }

    async function sendFromB(senderB: InstructionSender, pointPort: number) {
      const instruction = await createInstruction(getDb(), { instructionText: '1 + 1' });
      const started = Date.now();
      const result = await senderB.send({
        host: '127.0.0.1',
        port: pointPort,
        uuid: instruction.uuid,
        code: '1 + 1',
        timeoutMs: 20_000,
      });
      return { result, ms: Date.now() - started, uuid: instruction.uuid };
    }

    it.skipIf(redisMissing !== undefined)(
      'an ack received by backend A wakes the engine waiting on backend B through Redis',
      async () => {
        const pubsubs: PubSub[] = [];
        const { point, senderB } = await twoBackends({
          busOf: () => {
            const pubsub = createRedisPubSub({ url: redis!.url });
            pubsubs.push(pubsub);
            closers.push(() => pubsub.close());
            return createPubSubAckBus(pubsub);
          },
          ledgerPollMs: 60_000, // the fallback must not be what wakes it here
        });
        await new Promise((resolve) => setTimeout(resolve, 300)); // Redis SUBSCRIBE round trip
        const { result, ms, uuid } = await sendFromB(senderB, point.port);
        expect(point.received).toContain(uuid);
        expect(result).toEqual({ state: 'FINISHED', returnValue: `done ${uuid.slice(0, 4)}` });
        expect(ms).toBeLessThan(10_000);
        expect(pubsubs).toHaveLength(2);
      },
    );

    it('without any bus message, backend B still finds the ack in the database', async () => {
      // Backends with separate in-process buses: nothing connects them but the database.
      const { point, senderB } = await twoBackends({
        busOf: () => createInProcessAckBus(),
        ledgerPollMs: 200,
      });
      const { result, uuid } = await sendFromB(senderB, point.port);
      expect(point.received).toContain(uuid);
      expect(result.state).toBe('FINISHED');
      expect(result.returnValue).toBe(`done ${uuid.slice(0, 4)}`);
    });
  },
  { retry: 1 },
);
