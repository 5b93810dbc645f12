// The OSC fuzz suite, run short by `npm test` (osc-fuzz.test.ts) and long by `npm run test:load`.
import dgram from 'node:dgram';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInProcessAckBus } from '../ack-bus.ts';
import { encodeOscMessage } from '../osc-codec.ts';
import { createOscServer, type OscServer } from '../osc-server.ts';
import { signRecord } from '../message-auth.ts';
import { createMemoryPorts, waitUntil } from '../testing/memory-ports.ts';
import { hostilePacket, seededRandom, validSeeds, type Mutation } from './osc-mutations.ts';

/** Options of {@link defineOscFuzzSuite}. */
export interface OscFuzzOptions {
  packets: number;
  seed: number;
  /** Allowed heap growth (after GC) between warm-up and the end, bytes. */
  maxHeapGrowthBytes: number;
  timeoutMs: number;
}

/** Forces a full GC (the test process is not started with --expose-gc). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/**
 * Declares the fuzz test: `packets` hostile datagrams against the real UDP server (with an HMAC
 * secret, so signatures are checked too). Afterwards the server must still register a valid
 * beacon, must have counted the drops, must never have failed internally, and its heap must not
 * have grown beyond the bound.
 */
export function defineOscFuzzSuite(options: OscFuzzOptions): void {
  let server: OscServer;
  let client: dgram.Socket;
  const secret = 'fuzz-secret-0123456789';
  const ports = createMemoryPorts();
  let logLines = 0;

  beforeAll(async () => {
    server = await createOscServer({
      port: 0,
      ...ports,
      // counts instead of keeping every (possibly 60 kB) line, so memory measures the server only
      logSink: {
        append: () => {
          logLines += 1;
          return Promise.resolve();
        },
      },
      ackBus: createInProcessAckBus(),
      remoteActionPassword: 'pw',
      secret,
    });
    client = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it(
    `survives ${options.packets} random and mutated packets, counts the drops and still registers a beacon`,
    { timeout: options.timeoutMs },
    async () => {
      const rand = seededRandom(options.seed);
      const seeds = validSeeds(secret, 'pw');
      const kinds: Partial<Record<Mutation, number>> = {};
      // pacing: the kernel's default 208 KiB receive buffer holds ~100 small or ~2 huge datagrams
      const maxBatchPackets = 100;
      const maxBatchBytes = 48 * 1024;
      const warmUp = Math.min(2000, Math.floor(options.packets / 5));
      let heapBefore = 0;
      const started = performance.now();
      let sent = 0;
      while (sent < options.packets) {
        if (heapBefore === 0 && sent >= warmUp) {
          await server.idle();
          collectGarbage();
          heapBefore = process.memoryUsage().heapUsed;
        }
        let bytes = 0;
        const received = server.stats().packets;
        let inBatch = 0;
        while (sent < options.packets && inBatch < maxBatchPackets && bytes < maxBatchBytes) {
          const { kind, packet } = hostilePacket(seeds, rand);
          kinds[kind] = (kinds[kind] ?? 0) + 1;
          client.send(packet, server.port, '127.0.0.1');
          bytes += packet.length;
          sent += 1;
          inBatch += 1;
        }
        // wait (bounded) until the server saw the batch, or made no progress for ~10 polls
        for (let last = -1, still = 0; still < 10;) {
          const now = server.stats().packets;
          if (now >= received + inBatch) break;
          still = now === last ? still + 1 : 0;
          last = now;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
      await server.idle();
      const seconds = (performance.now() - started) / 1000;
      collectGarbage();
      const heapAfter = process.memoryUsage().heapUsed;
      const stats = server.stats();
      const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
      console.info(
        `[osc fuzz] ${options.packets} sent, ${stats.packets} received in ${seconds.toFixed(1)} s (${Math.round(stats.packets / seconds)} packets/s); ` +
          `heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB; kinds ${JSON.stringify(kinds)}; ` +
          `dropped ${JSON.stringify(stats.dropped)}; handled ${JSON.stringify(stats.handled)}; log lines ${logLines}`,
      );
      expect(stats.packets).toBeGreaterThan(options.packets * 0.9);
      expect(dropped).toBeGreaterThan(options.packets * 0.5);
      expect(stats.dropped.INVALID_INPUT ?? 0).toBeGreaterThan(0);
      expect(stats.dropped.UNAUTHENTICATED ?? 0).toBeGreaterThan(0);
      expect(stats.dropped.INTERNAL ?? 0).toBe(0);
      expect(heapAfter - heapBefore).toBeLessThan(options.maxHeapGrowthBytes);

      client.send(
        // signed: with a secret every sender must sign, loopback included
        encodeOscMessage(
          '/beacon',
          Object.entries(
            signRecord('/beacon', { name: 'after-fuzz', lang_port: 57999 }, secret),
          ).flat(),
        ),
        server.port,
        '127.0.0.1',
      );
      const point = await waitUntil(
        () => ports.points.get('127.0.0.1:57999'),
        5000,
        'beacon after fuzz',
      );
      expect(point.name).toBe('after-fuzz');
    },
  );
}
