// Benchmark: memory of idle listener subscriptions on the real API server. The server runs in a
// child process (embedded PGlite, --expose-gc) so that only its own memory is measured; this
// process opens N graphql-ws clients (one WebSocket and one streamInfo subscription each, all on
// one graph) and asks the server for its memory after garbage collection at each N. Baseline: the
// same server with 0 clients. Set GENCASTER_BENCH_IDLE_MAX=10000 for a longer run.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BenchmarkResult } from './run.ts';

const MAX = Number(process.env.GENCASTER_BENCH_IDLE_MAX ?? 2000);
const STEPS = [0, 250, 1000, MAX].filter((n, i, all) => n <= MAX && all.indexOf(n) === i);
const streamInfo = `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename } }`;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`API server exited (${code})`)));
  });
}

function subscribe(url: string, graphUuid: string): Promise<Client> {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: streamInfo, variables: { g: graphUuid } },
      { next: () => resolve(client), error: reject, complete: () => undefined },
    );
  });
}

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  const server = fork(resolve(import.meta.dirname, 'support', 'idle-api-server.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const clients: Client[] = [];
  const rows: Array<{ n: number; memory: Memory }> = [];
  try {
    const { port, graphUuid } = await next<{ port: number; graphUuid: string }>(server);
    const url = `ws://127.0.0.1:${port}/graphql`;
    for (const n of STEPS) {
      while (clients.length < n) {
        const batch = Math.min(25, n - clients.length);
        clients.push(
          ...(await Promise.all(Array.from({ length: batch }, () => subscribe(url, graphUuid)))),
        );
      }
      await new Promise((done) => setTimeout(done, 1000));
      server.send('measure');
      rows.push({ n, memory: await next<Memory>(server) });
    }
  } finally {
    await Promise.all(clients.map(async (c) => c.dispose()));
    server.kill('SIGTERM');
  }
  const base = rows[0]!.memory;
  const mib = (bytes: number) => bytes / 1024 / 1024;
  const results: BenchmarkResult['results'] = rows.slice(1).map(({ n, memory }) => {
    const heap = memory.heapUsed + memory.external;
    const baseHeap = base.heapUsed + base.external;
    return {
      case: `${n} idle listeners (WebSocket + streamInfo subscription each): API server heap+external`,
      ms: mib(heap),
      baselineMs: mib(baseHeap),
      ratio: heap / baseHeap,
      unit: 'MiB',
      note: `per listener: heap+external ${((heap - baseHeap) / n / 1024).toFixed(1)} KiB, RSS ${((memory.rss - base.rss) / n / 1024).toFixed(1)} KiB (server RSS ${mib(memory.rss).toFixed(0)} MiB vs ${mib(base.rss).toFixed(0)} MiB with 0 listeners)`,
    };
  });
  return {
    name: 'Idle listener subscriptions: API server memory (server in its own process)',
    results,
    charts: [
      {
        file: 'idle-subscriptions-memory',
        title: 'API server memory vs idle listener subscriptions',
        kind: 'line',
        xLabel: 'idle listeners (one WebSocket + one subscription each)',
        yLabel: 'MiB',
        series: [
          { label: 'RSS', points: rows.map((r) => [r.n, mib(r.memory.rss)]) },
          {
            label: 'heap + external',
            points: rows.map((r) => [r.n, mib(r.memory.heapUsed + r.memory.external)]),
          },
        ],
      },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
