// Benchmark: 10,000 idle listeners on one real backend process (`gencaster start`, embedded PGlite,
// no sound fleet; a fake stream point acknowledges instructions). Each listener is one graphql-ws
// WebSocket with one streamInfo subscription on a shared (ONE_GRAPH_ONE_STREAM) graph whose entry
// node blocks, so every session stays open and idle. Client sockets are spread over 127.0.0.0/8
// source addresses (100 listeners per address) so the per-address session cap, which guards the
// real edge, is not what is measured. Figures: listeners open, the backend's RSS per listener
// (RSS after minus RSS with one listener) and /health answer times polled from a child process
// while they are all open. Baseline: /health and RSS of the same backend with one listener.
// GENCASTER_BENCH_LISTENERS overrides the 10,000.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freeUdpPort } from '@gencaster/osc/testing';
import {
  graphql,
  login,
  startBackendProcess,
  type BackendProcess,
} from '../apps/backend/src/testing/backend-process.ts';
import { startFakeStreamPoint } from '../apps/backend/src/testing/fake-stream-point.ts';
import type { BenchmarkResult } from './run.ts';

const LISTENERS = Number(process.env.GENCASTER_BENCH_LISTENERS ?? 10_000);
const PER_ADDRESS = 100;
const streamInfo = `subscription ($g: UUID!) { streamInfo(graphUuid: $g) { __typename } }`;

function residentKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN);
}

/** One listener from source address 127.0.x.y: resolves once its first StreamInfo arrived. */
function openListener(wsUrl: string, graphUuid: string, index: number): Promise<Client> {
  const block = Math.floor(index / PER_ADDRESS);
  const localAddress = `127.0.${2 + Math.floor(block / 250)}.${1 + (block % 250)}`;
  class FromAddress extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { localAddress });
    }
  }
  const client = createClient({
    url: wsUrl,
    webSocketImpl: FromAddress,
    retryAttempts: 0,
    lazy: true,
  });
  return new Promise((resolve, reject) => {
    client.subscribe<{ streamInfo: { __typename: string } }>(
      { query: streamInfo, variables: { g: graphUuid } },
      {
        next: ({ data }) =>
          data?.streamInfo.__typename === 'StreamInfo'
            ? resolve(client)
            : reject(new Error(`listener ${index}: ${data?.streamInfo.__typename}`)),
        error: (error: unknown) =>
          reject(error instanceof Error ? error : new Error(String(error))),
        complete: () => reject(new Error(`listener ${index}: subscription completed`)),
      },
    );
  });
}

/** GET /health `count` times, one after another; the answer times in ms. */
async function healthTimes(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      request(`${url}/health`, (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`/health ${response.statusCode}`)),
        );
      })
        .on('error', reject)
        .end();
    });
    times.push(performance.now() - started);
    await new Promise((done) => setTimeout(done, 50));
  }
  return times.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-bench-10k-'));
  const admin = { username: 'bench-admin', password: randomBytes(12).toString('hex') };
  const oscSecret = randomBytes(24).toString('hex');
  const oscPort = await freeUdpPort();
  const point = await startFakeStreamPoint({
    secret: oscSecret,
    backendPort: oscPort,
    name: 'bench-10k',
  });
  const clients: Client[] = [];
  let backend: BackendProcess | undefined;
  try {
    backend = await startBackendProcess(
      { dataDir: join(dir, 'data') },
      {
        GENCASTER_ADMIN_USER: admin.username,
        GENCASTER_ADMIN_PASSWORD: admin.password,
        GENCASTER_OSC_PORT: String(oscPort),
        GENCASTER_OSC_SECRET: oscSecret,
        GENCASTER_MAX_SESSIONS_PER_CLIENT: String(PER_ADDRESS),
      },
    );
    const cookie = await login(backend.url, admin.username, admin.password);
    if (!cookie) throw new Error('admin login failed');
    const added = await graphql<{ addGraph: { uuid: string } }>(
      backend.url,
      'mutation ($i: AddGraphInput!) { addGraph(graphInput: $i) { uuid } }',
      {
        i: {
          name: 'idle-10k',
          displayName: 'idle 10k',
          slugName: 'idle-10k',
          streamAssignmentPolicy: 'ONE_GRAPH_ONE_STREAM',
          templateName: 'DEFAULT',
        },
      },
      { cookie },
    );
    const graphUuid = added.data?.addGraph.uuid;
    if (!graphUuid) throw new Error(JSON.stringify(added.errors));
    const nodes = await graphql<{ graph: { nodes: { uuid: string; isEntryNode: boolean }[] } }>(
      backend.url,
      'query ($pk: ID!) { graph(pk: $pk) { nodes { uuid isEntryNode } } }',
      { pk: graphUuid },
      { cookie },
    );
    const entry = nodes.data?.graph.nodes.find((node) => node.isEntryNode)?.uuid;
    await graphql(
      backend.url,
      'mutation ($n: NodeUpdate!) { updateNode(nodeUpdate: $n) }',
      { n: { uuid: entry, isBlockingNode: true } },
      { cookie },
    );
    // The point must have beaconed before the first assignment.
    await new Promise((done) => setTimeout(done, 2500));
    const wsUrl = `${backend.url.replace('http', 'ws')}/graphql`;

    clients.push(await openListener(wsUrl, graphUuid, 0));
    await new Promise((done) => setTimeout(done, 3000));
    const baseRss = residentKiB(backend.pid);
    const baseHealth = await healthTimes(backend.url, 40);

    const openStarted = Date.now();
    while (clients.length < LISTENERS) {
      const batch = Math.min(50, LISTENERS - clients.length);
      const start = clients.length;
      clients.push(
        ...(await Promise.all(
          Array.from({ length: batch }, (_, i) => openListener(wsUrl, graphUuid, start + i)),
        )),
      );
      if (clients.length % 1000 === 0)
        console.log(`[bench] ${clients.length}/${LISTENERS} idle listeners open`);
    }
    const openSeconds = (Date.now() - openStarted) / 1000;
    await new Promise((done) => setTimeout(done, 5000));
    const rss = residentKiB(backend.pid);
    const health = await healthTimes(backend.url, 100);
    const perListenerKiB = (rss - baseRss) / (LISTENERS - 1);
    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    const note = `${clients.length}/${LISTENERS} open in ${openSeconds.toFixed(0)} s; backend RSS ${(rss / 1024).toFixed(0)} MiB vs ${(baseRss / 1024).toFixed(0)} MiB with 1 listener; load average ${load}`;
    return {
      name: `${LISTENERS} idle listener subscriptions on one backend process (goal: all open, ≤ 20 KiB each, /health < 100 ms)`,
      results: [
        {
          case: `backend RSS per idle listener (WebSocket + streamInfo subscription)`,
          ms: perListenerKiB,
          baselineMs: 20,
          ratio: perListenerKiB / 20,
          unit: 'KiB',
          note: `baseline = the 20 KiB goal; ${note}`,
        },
        {
          case: `/health p50 with ${LISTENERS} idle listeners open (vs 1 listener)`,
          ms: percentile(health, 50),
          baselineMs: percentile(baseHealth, 50),
          ratio: percentile(health, 50) / percentile(baseHealth, 50),
        },
        {
          case: `/health p99 with ${LISTENERS} idle listeners open (vs 1 listener)`,
          ms: percentile(health, 99),
          baselineMs: percentile(baseHealth, 99),
          ratio: percentile(health, 99) / percentile(baseHealth, 99),
          note: `max ${health.at(-1)?.toFixed(1)} ms over ${health.length} sequential requests`,
        },
      ],
    };
  } finally {
    await Promise.all(clients.map(async (client) => client.dispose()));
    await backend?.stop();
    point.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
