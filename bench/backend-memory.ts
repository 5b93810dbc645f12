// Benchmark: resident memory of an idle backend with two stream points, as `npm start` runs it (the
// compiled bundle, a fresh data dir: the first start included), on the embedded PGlite and on
// PostgreSQL. Measured three times per engine: idle after start, right after a Python cell ran (the
// sandbox's Pyodide loaded) and after the Python idle time passed (the runtime given back). The
// backend's memory is its own process plus its script sandbox (node children); the sound fleet's
// processes (jackd, scsynth, sclang, GStreamer, Janus) are listed in the note, not counted.
// Baseline: the goal of issue 17 (250 MB on PGlite, 150 MB on PostgreSQL).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, startPostgresServer, type PostgresServer } from '@gencaster/db/testing';
import { freeUdpPort } from '@gencaster/osc/testing';
import { listDescendants, readResidentBytes } from '@gencaster/sound';
import { graphql, login } from '../apps/backend/src/testing/backend-process.ts';
import type { BenchmarkResult } from './run.ts';

const pythonIdleMs = 5000;
const MB = 1e6;
const goals = { pglite: 250, postgres: 150 } as const;

interface Reading {
  backendMb: number;
  fleet: string;
}

function read(pid: number): Reading {
  let backend = readResidentBytes(pid) ?? 0;
  const fleet = new Map<string, number>();
  for (const child of listDescendants(pid)) {
    const bytes = readResidentBytes(child.pid);
    if (bytes === null) continue;
    if (child.comm === 'node') backend += bytes;
    else fleet.set(child.comm, (fleet.get(child.comm) ?? 0) + bytes);
  }
  return {
    backendMb: backend / MB,
    fleet: [...fleet].map(([comm, bytes]) => `${comm} ${(bytes / MB).toFixed(0)}`).join(', '),
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function startBundle(bundle: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [bundle, 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 180_000;
  while (!output.includes('Gencaster is running')) {
    if (child.exitCode !== null) throw new Error(`backend exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`backend did not start:\n${output.slice(-4000)}`);
    await sleep(200);
  }
  return child;
}

/** Waits until `count` stream points beaconed within the last 10 s. */
async function waitForLivePoints(url: string, cookie: string, count: number) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const answer = await graphql<{ streamPoints: { lastLive: string | null }[] }>(
      url,
      '{ streamPoints { lastLive } }',
      {},
      { cookie },
    );
    const live = (answer.data?.streamPoints ?? []).filter(
      (point) => point.lastLive && Date.now() - new Date(point.lastLive).getTime() < 10_000,
    );
    if (live.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${live.length} of ${count} points came up`);
    await sleep(1000);
  }
}

/** A graph whose entry node runs one Python cell; a listener plays it to its end. */
async function runPythonCell(url: string, cookie: string) {
  const added = await graphql<{ addGraph: { uuid: string } }>(
    url,
    'mutation ($i: AddGraphInput!) { addGraph(graphInput: $i) { uuid } }',
    {
      i: {
        name: 'memory-python',
        displayName: 'memory python',
        slugName: 'memory-python',
        streamAssignmentPolicy: 'ONE_USER_ONE_STREAM',
        templateName: 'DEFAULT',
      },
    },
    { cookie },
  );
  const graphUuid = added.data?.addGraph.uuid;
  if (!graphUuid) throw new Error(JSON.stringify(added.errors));
  const nodes = await graphql<{ graph: { nodes: { uuid: string; isEntryNode: boolean }[] } }>(
    url,
    'query ($pk: ID!) { graph(pk: $pk) { nodes { uuid isEntryNode } } }',
    { pk: graphUuid },
    { cookie },
  );
  const entry = nodes.data?.graph.nodes.find((node) => node.isEntryNode)?.uuid;
  const cells = await graphql(
    url,
    'mutation ($n: UUID!, $c: [ScriptCellInputCreate!]!) { createScriptCells(nodeUuid: $n, scriptCellInputs: $c) { uuid } }',
    { n: entry, c: [{ cellType: 'PYTHON', cellCode: 'total = sum(range(1000))', cellOrder: 0 }] },
    { cookie },
  );
  if (cells.errors) throw new Error(JSON.stringify(cells.errors));
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Python walk did not end')), 120_000);
      client.subscribe<{ streamInfo: { __typename: string } }>(
        {
          query: `subscription ($g: UUID!) { streamInfo(graphUuid: $g) { __typename } }`,
          variables: { g: graphUuid },
        },
        {
          next: ({ data }) => {
            const kind = data?.streamInfo.__typename;
            if (kind === 'GraphDeadEnd') {
              clearTimeout(timer);
              resolve();
            } else if (kind === 'NoStreamAvailable') reject(new Error('no stream point was free'));
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

async function measureEngine(engine: 'pglite' | 'postgres', bundle: string) {
  const dir = mkdtempSync(join(tmpdir(), `gencaster-bench-memory-${engine}-`));
  chmodSync(dir, 0o755); // the sound user reaches its home below the data dir
  const admin = { username: 'bench-admin', password: randomBytes(12).toString('hex') };
  let postgres: PostgresServer | undefined;
  let child: ChildProcess | undefined;
  try {
    if (engine === 'postgres') postgres = await startPostgresServer();
    const port = await freePort();
    const {
      DATABASE_URL: _db,
      REDIS_URL: _redis,
      GENCASTER_ADMIN_USER: _u,
      GENCASTER_ADMIN_PASSWORD: _p,
      ...env
    } = process.env;
    child = await startBundle(bundle, {
      ...env,
      GENCASTER_DATA_DIR: join(dir, 'data'),
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_PORT: String(port),
      GENCASTER_OSC_PORT: String(await freeUdpPort()),
      GENCASTER_SOUND_POINTS: '2',
      GENCASTER_PYTHON_IDLE_MS: String(pythonIdleMs),
      GENCASTER_ADMIN_USER: admin.username,
      GENCASTER_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    const url = `http://127.0.0.1:${port}`;
    const pid = child.pid!;
    const cookie = await login(url, admin.username, admin.password);
    if (!cookie) throw new Error('admin login failed');
    await waitForLivePoints(url, cookie, 2);
    await sleep(10_000); // the first start's work settles
    const idle = read(pid);
    await runPythonCell(url, cookie);
    const afterPython = read(pid);
    await sleep(pythonIdleMs + 10_000);
    const afterIdle = read(pid);
    return { idle, afterPython, afterIdle };
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((done) => {
        const timer = setTimeout(() => child?.kill('SIGKILL'), 30_000);
        child?.once('exit', () => done(clearTimeout(timer)));
      });
    }
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; see the file comment. */
export default async function run(): Promise<BenchmarkResult> {
  // the same build `npm start` runs (a plain .mjs script without types)
  const builder = (await import(new URL('../scripts/build-backend.mjs', import.meta.url).href)) as {
    buildBackend(): Promise<string>;
  };
  const bundle = await builder.buildBackend();
  const results: BenchmarkResult['results'] = [];
  for (const engine of ['pglite', 'postgres'] as const) {
    const { idle, afterPython, afterIdle } = await measureEngine(engine, bundle);
    const goal = goals[engine];
    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    const row = (when: string, reading: Reading, note: string) => ({
      case: `${engine}: backend RSS (own process + sandbox), two points, ${when}`,
      ms: reading.backendMb,
      baselineMs: goal,
      ratio: reading.backendMb / goal,
      unit: 'MB',
      note,
    });
    results.push(
      row(
        'idle after the first start',
        idle,
        `baseline = the ${goal} MB goal; fleet (not counted): ${idle.fleet}; load average ${load}`,
      ),
      row('right after a Python cell ran', afterPython, 'the Python runtime is loaded'),
      row(
        `after the Python idle time (${pythonIdleMs / 1000} s)`,
        afterIdle,
        'the runtime is given back',
      ),
    );
  }
  return { name: 'Idle backend memory with two stream points (compiled, first start)', results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await run();
  console.table(report.results);
}
