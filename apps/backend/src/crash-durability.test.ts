// Durability you can show: clients write (logins, graph edits, nodes, cells, audio uploads, a
// listener's stream variables on a stream of a signed fake stream point) while
// the backend is killed with SIGKILL; after a restart the database opens cleanly and every write
// that was acknowledged to a client is there. On the embedded PGlite and on PostgreSQL.
//
// PGlite runs PostgreSQL with fsync off and its Node file system has no fsync, but every write
// reaches the kernel (writeSync) before the commit returns, so a killed process loses nothing
// acknowledged; a power cut is another matter (see README, "Durability").
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  postgresUnavailableReason,
  startPostgresServer,
  type PostgresServer,
} from '@gencaster/db/testing';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStreamPoint, type FakeStreamPoint } from './testing/fake-stream-point.ts';
import { addGraphWithEntry, openWaitingListener } from './testing/graph-clients.ts';
import {
  graphql,
  login,
  startBackendProcess,
  whoAmI,
  type BackendProcess,
  type BackendTarget,
} from './testing/backend-process.ts';

const admin = { username: 'crash-admin', password: 'crash admin password' };

/** A short 48 kHz mono 16-bit WAV with a tone (decodes like any real upload). */
function makeWav(seed: number): Uint8Array<ArrayBuffer> {
  const rate = 48_000;
  const samples = 4_800;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    buffer.writeInt16LE(Math.round(8000 * Math.sin((i * (200 + seed)) / rate)), 44 + i * 2);
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
}

async function upload(url: string, cookie: string, n: number): Promise<string | undefined> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query:
        'mutation ($f: AddAudioFile!) { addAudioFile(newAudioFile: $f) { __typename ... on AudioFile { uuid } } }',
      variables: {
        f: { file: null, name: `up-${n}`, description: 'crash test', fileName: `up-${n}.wav` },
      },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.f.file'] }));
  form.append('0', new Blob([makeWav(n)]), `up-${n}.wav`);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    body: form,
    headers: { cookie, 'x-gencaster-csrf': '1', 'x-graphql-yoga-csrf': '1' },
  });
  const body = (await response.json()) as {
    data?: { addAudioFile: { __typename: string; uuid?: string } };
  };
  return body.data?.addAudioFile.uuid;
}

/** A free UDP port on loopback (the backend's OSC port, the same across the restart). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(() => done()));
  return port;
}

interface Acked {
  sessions: string[];
  graphs: {
    uuid: string;
    entryNode: string;
    aboutText: number;
    nodes: string[];
    cells: string[];
  }[];
  uploads: string[];
  /** Per variable key: its uuid and the highest write number acknowledged for it. */
  variables: Map<string, { uuid: string; n: number }>;
}

/** Writers that run until the backend dies under them; only acknowledged writes are recorded. */
function startWriters(
  url: string,
  cookie: string,
  listener: { streamUuid: string; token: string },
) {
  const acked: Acked = { sessions: [], graphs: [], uploads: [], variables: new Map() };
  const loop = async (step: (n: number) => Promise<void>) => {
    for (let n = 0; ; n++) {
      try {
        await step(n);
      } catch {
        return; // the backend is gone: the request in flight was not acknowledged
      }
    }
  };
  const logins = loop(async () => {
    const session = await login(url, admin.username, admin.password);
    if (session) acked.sessions.push(session);
  });
  const graphEdits = (writer: number) =>
    loop(async (n) => {
      const slug = `w${writer}-g${n}`;
      const { uuid, entryNode } = await addGraphWithEntry(url, cookie, slug);
      const graph = {
        uuid,
        entryNode,
        aboutText: -1,
        nodes: [] as string[],
        cells: [] as string[],
      };
      acked.graphs.push(graph);
      for (let k = 0; k < 5; k++) {
        const updated = await graphql(
          url,
          'mutation ($g: UUID!, $i: UpdateGraphInput!) { updateGraph(graphUuid: $g, graphInput: $i) { uuid } }',
          { g: uuid, i: { aboutText: String(k) } },
          { cookie },
        );
        if (updated.errors) throw new Error(JSON.stringify(updated.errors));
        graph.aboutText = k;
        const name = `node-${k}`;
        const node = await graphql(
          url,
          'mutation ($n: NodeCreate!) { addNode(newNode: $n) }',
          { n: { graphUuid: uuid, name } },
          { cookie },
        );
        if (node.errors) throw new Error(JSON.stringify(node.errors));
        graph.nodes.push(name);
        const code = `cell ${slug} ${k}`;
        const cell = await graphql(
          url,
          'mutation ($node: UUID!, $cells: [ScriptCellInputCreate!]!) { createScriptCells(nodeUuid: $node, scriptCellInputs: $cells) { uuid } }',
          { node: entryNode, cells: [{ cellType: 'COMMENT', cellCode: code }] },
          { cookie },
        );
        if (cell.errors) throw new Error(JSON.stringify(cell.errors));
        graph.cells.push(code);
      }
    });
  const uploads = loop(async (n) => {
    const uuid = await upload(url, cookie, n);
    if (!uuid) throw new Error('upload refused');
    acked.uploads.push(uuid);
  });
  // The listener's writes, within its rate limit (10/s): 40 keys, each rewritten with a higher n.
  const variables = loop(async (n) => {
    const key = `crash-${n % 40}`;
    const answer = await graphql<{ createUpdateStreamVariable: { uuid: string; key: string }[] }>(
      url,
      'mutation ($v: [StreamVariableInput!]!, $t: String) { createUpdateStreamVariable(streamVariables: $v, listenerToken: $t) { uuid key } }',
      { v: [{ streamUuid: listener.streamUuid, key, value: String(n) }], t: listener.token },
    );
    const row = answer.data?.createUpdateStreamVariable[0];
    if (row) acked.variables.set(key, { uuid: row.uuid, n });
    else if (answer.errors?.[0]?.extensions?.code !== 'RATE_LIMITED')
      throw new Error(JSON.stringify(answer.errors));
    await new Promise((done) => setTimeout(done, 110));
  });
  return {
    acked,
    done: Promise.all([logins, graphEdits(0), graphEdits(1), uploads, variables]),
  };
}

const engines = [
  { engine: 'pglite' as const, skip: undefined },
  { engine: 'postgres' as const, skip: postgresUnavailableReason() },
];

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.each(engines)('crash durability ($engine)', { retry: 1 }, ({ engine, skip }) => {
  let dir: string;
  let target: BackendTarget;
  let postgres: PostgresServer | undefined;
  let backend: BackendProcess | undefined;
  let point: FakeStreamPoint | undefined;
  let listenerClient: Client | undefined;

  beforeAll(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), `gencaster-crash-${engine}-`));
    target = { dataDir: join(dir, 'data') };
    if (engine === 'postgres') {
      postgres = await startPostgresServer();
      target.databaseUrl = postgres.url;
    }
  });
  afterAll(async () => {
    await listenerClient?.dispose();
    point?.close();
    await backend?.kill9();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip !== undefined)(
    'kill -9 during writes, restart: every acknowledged write is there',
    { timeout: 400_000 },
    async () => {
      await backend?.kill9();
      const oscSecret = randomBytes(24).toString('hex');
      const env = {
        GENCASTER_ADMIN_USER: admin.username,
        GENCASTER_ADMIN_PASSWORD: admin.password,
        GENCASTER_OSC_PORT: String(await freeUdpPort()),
        GENCASTER_OSC_SECRET: oscSecret,
      };
      point = await startFakeStreamPoint({
        secret: oscSecret,
        backendPort: Number(env.GENCASTER_OSC_PORT),
        name: `crash-${engine}`,
      });
      backend = await startBackendProcess(target, env);
      const cookie = await login(backend.url, admin.username, admin.password);
      if (!cookie) throw new Error('admin login failed');
      const listener = await openWaitingListener(backend.url, cookie, 'crash-listen');
      listenerClient = listener.client;
      const writers = startWriters(backend.url, cookie, listener);
      // Let every writer get going, then kill the backend in the middle of their requests.
      const deadline = Date.now() + 60_000;
      while (
        (writers.acked.graphs.length < 4 ||
          writers.acked.uploads.length < 3 ||
          writers.acked.variables.size < 10 ||
          writers.acked.sessions.length < 3) &&
        Date.now() < deadline
      )
        await new Promise((done) => setTimeout(done, 200));
      await backend.kill9();
      expect(await backend.exited).toBe('SIGKILL');
      await writers.done;
      const { acked } = writers;
      expect(acked.graphs.length).toBeGreaterThanOrEqual(4);
      expect(acked.uploads.length).toBeGreaterThanOrEqual(3);
      expect(acked.variables.size).toBeGreaterThanOrEqual(10);
      await listenerClient.dispose();

      backend = await startBackendProcess(target, env);
      const health = (await (await fetch(`${backend.url}/health`)).json()) as Record<
        string,
        unknown
      >;
      expect(health).toMatchObject({ status: 'ok', database: engine });

      for (const session of acked.sessions)
        expect(await whoAmI(backend.url, { cookie: session })).toBe(admin.username);
      for (const graph of acked.graphs) {
        const answer = await graphql<{
          graph: {
            aboutText: string;
            nodes: { name: string; scriptCells: { cellCode: string }[] }[];
          };
        }>(
          backend.url,
          'query ($pk: ID!) { graph(pk: $pk) { aboutText nodes { name scriptCells { cellCode } } } }',
          { pk: graph.uuid },
          { cookie },
        );
        expect(answer.errors).toBeUndefined();
        const stored = answer.data?.graph;
        // A later update may have landed without its answer; an acknowledged one never goes back.
        expect(Number(stored?.aboutText || -1)).toBeGreaterThanOrEqual(graph.aboutText);
        const names = stored?.nodes.map((node) => node.name) ?? [];
        expect(graph.nodes.filter((name) => !names.includes(name))).toEqual([]);
        const codes =
          stored?.nodes.flatMap((node) => node.scriptCells.map((c) => c.cellCode)) ?? [];
        expect(graph.cells.filter((code) => !codes.includes(code))).toEqual([]);
      }
      for (const uuid of acked.uploads) {
        const answer = await graphql<{ audioFile: { uuid: string; file: { url: string } | null } }>(
          backend.url,
          'query ($pk: ID!) { audioFile(pk: $pk) { uuid file { url } } }',
          { pk: uuid },
          { cookie },
        );
        expect(answer.data?.audioFile.uuid).toBe(uuid);
        const url = answer.data?.audioFile.file?.url;
        expect(url).toBeTruthy();
        const media = await fetch(new URL(url ?? '', backend.url));
        expect(media.status).toBe(200);
        expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
      for (const [key, write] of acked.variables) {
        const answer = await graphql<{ streamVariable: { key: string; value: string } }>(
          backend.url,
          'query ($pk: ID!) { streamVariable(pk: $pk) { key value } }',
          { pk: write.uuid },
          { cookie },
        );
        expect(answer.data?.streamVariable.key).toBe(key);
        // A later write of the key may have landed without its answer; never an older one.
        expect(Number(answer.data?.streamVariable.value)).toBeGreaterThanOrEqual(write.n);
      }
      console.log(
        `[crash ${engine}] acknowledged before kill -9: ${acked.sessions.length} logins, ${acked.graphs.length} graphs, ` +
          `${acked.graphs.reduce((sum, g) => sum + g.nodes.length, 0)} nodes, ${acked.graphs.reduce((sum, g) => sum + g.cells.length, 0)} cells, ${acked.uploads.length} uploads, ` +
          `${acked.variables.size} stream variables (last write n=${Math.max(...[...acked.variables.values()].map((v) => v.n))}) — all present after restart`,
      );
      await backend.stop();
    },
  );
});
