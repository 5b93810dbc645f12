// Benchmark of the instruction round trip: send → FINISHED resolved in the backend, over 1000 trivial
// instructions to a real stream point (sclang + scsynth on a dummy JACK server), next to the raw
// sclang OSC echo (an OSCdef that only replies) measured in the same run, and next to the original's
// 200 ms database polling interval. Run alone with `npx tsx bench/osc-roundtrip.ts`.
import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import {
  createInProcessAckBus,
  createInstructionSender,
  createOscServer,
  encodeOscMessage,
  decodeOscPacket,
} from '@gencaster/osc';
import {
  createMemoryPorts,
  startTestStreamPoint,
  streamPointUnavailableReason,
  waitUntil,
} from '@gencaster/osc/testing';
import type { BenchmarkResult } from './run.ts';

const COUNT = 1000;
const ORIGINAL_POLL_MS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function rawEcho(langPort: number, count: number): Promise<number[]> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const reply = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('echo lost')), 2000);
        socket.once('message', (data) => {
          clearTimeout(timer);
          if (decodeOscPacket(data)[0]?.address === '/echo') resolve();
        });
      });
      socket.send(encodeOscMessage('/echo', [i]), langPort, '127.0.0.1');
      await reply;
      times.push(performance.now() - started);
    }
  } finally {
    socket.close();
  }
  return times.sort((a, b) => a - b);
}

/** Runs the benchmark; see the file comment. */
export default async function oscRoundtrip(): Promise<BenchmarkResult> {
  const unavailable = streamPointUnavailableReason();
  if (unavailable) throw new Error(`cannot benchmark the OSC round trip: ${unavailable}`);
  const ports = createMemoryPorts();
  const ackBus = createInProcessAckBus();
  await using server = await createOscServer({ port: 0, ...ports, ackBus });
  const sender = createInstructionSender({
    server,
    ledger: ports.ledger,
    ackBus,
    defaultTimeoutMs: 5000,
  });
  await using point = await startTestStreamPoint({ backendPort: server.port });
  try {
    await waitUntil(() => ports.points.get(`127.0.0.1:${point.langPort}`), 30_000, 'first beacon');
    const run = (code: string) => {
      const uuid = randomUUID();
      ports.ledger.create(uuid);
      return sender.send({ host: '127.0.0.1', port: point.langPort, uuid, code });
    };
    await run(
      `OSCdef(\\gencasterEcho, { |msg, time, addr| addr.sendMsg('/echo', msg[1]) }, '/echo'); 1`,
    );
    for (let i = 0; i < 50; i += 1) await run('0'); // warm-up
    const echo = await rawEcho(point.langPort, COUNT);
    const times: number[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      const started = performance.now();
      await run(String(i));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const [p50, p99, e50, e99] = [
      percentile(times, 0.5),
      percentile(times, 0.99),
      percentile(echo, 0.5),
      percentile(echo, 0.99),
    ];
    return {
      name: `Instruction round trip over ${COUNT} trivial instructions (goal p50 ≤ 3 ms, p99 ≤ 10 ms)`,
      results: [
        { case: 'p50 vs raw sclang echo p50', ms: p50, baselineMs: e50, ratio: p50 / e50 },
        { case: 'p99 vs raw sclang echo p99', ms: p99, baselineMs: e99, ratio: p99 / e99 },
        {
          case: 'p50 vs original 200 ms polling',
          ms: p50,
          baselineMs: ORIGINAL_POLL_MS,
          ratio: p50 / ORIGINAL_POLL_MS,
        },
        {
          case: 'p99 vs original 200 ms polling',
          ms: p99,
          baselineMs: ORIGINAL_POLL_MS,
          ratio: p99 / ORIGINAL_POLL_MS,
        },
      ],
    };
  } finally {
    sender.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table((await oscRoundtrip()).results);
}
