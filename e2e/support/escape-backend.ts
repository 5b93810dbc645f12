// The real backend for the sandbox escape suite (e2e/sandbox-escapes-backend.test.ts): started in
// this process with a fresh data dir in which secrets are planted (a secret file, a Janus secrets
// file) and a secret in the process environment, an editor account, stream points answered by UDP
// sockets that acknowledge every instruction at once (no SuperCollider needed: the suite is about
// the script sandbox), anonymous listeners over graphql-ws, and graphs imported as archives
// through the editor API.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSession, createUser, listStreamVariables } from '@gencaster/db';
import { createClient, type Client } from 'graphql-ws';
import { sql } from 'kysely';
import WebSocket from 'ws';
import { loadConfig } from '../../apps/backend/src/config.ts';
import { startBackend, type Backend } from '../../apps/backend/src/start-backend.ts';
import {
  startFakeStreamPoint,
  type FakeStreamPoint,
} from '../../apps/backend/src/testing/fake-stream-point.ts';
import { freeTcpPort, freeUdpPort } from './listener-processes.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

/** The secrets planted for the suite; no script result, log or variable may ever contain one. */
export interface PlantedSecrets {
  /** Content of `<data dir>/escape-planted-secret.txt` (0600). */
  file: string;
  /** `apiSecret` of the planted `<data dir>/janus-secrets.json` (0600). */
  janus: string;
  /** Value of the environment variable {@link PlantedSecrets.envName} of the backend process. */
  env: string;
  envName: string;
}

/** Paths an escape would use. */
export interface EscapePaths {
  dataDir: string;
  secretFile: string;
  janusFile: string;
  /** A world-writable directory on the host (outside /tmp, which the box replaces). */
  markerDir: string;
  /** `touch`ed by every command an escape would run; it must never exist. */
  marker: string;
}

/** GraphQL answer with its errors (not thrown: refusals are what the suite looks at). */
export interface GqlAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One streamInfo event as the listener got it. */
export interface ListenerEvent {
  __typename: string;
  listenerToken?: string;
  stream?: { uuid: string };
  streamInstruction?: { instructionText: string } | null;
  title?: string;
  error?: string;
}

/** An anonymous listener on a graph (one graphql-ws connection, one streamInfo subscription). */
export interface EscapeListener {
  events: ListenerEvent[];
  /** Resolves with the first StreamInfo (stream uuid and listener token). */
  started(): Promise<{ streamUuid: string; token: string }>;
  /** Resolves when the walk reached GraphDeadEnd (rejects on NoStreamAvailable or timeout). */
  ended(timeoutMs?: number): Promise<void>;
  /** Writes a variable of this listener's stream, as the listener page does. */
  answer(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** A cell of an archive node: `cellType` as stored (lowercase). */
export interface ArchiveCellSpec {
  type: 'python' | 'javascript' | 'markdown' | 'comment';
  code: string;
}

/** A node of an imported graph; the first node is the entry. */
export interface ArchiveNodeSpec {
  name: string;
  cells: ArchiveCellSpec[];
  /** Conditional OUTPUT doors (checked in order) leading to a node by name. */
  doors?: { name: string; code: string; to: string }[];
  /** Where the default OUTPUT door leads; none: a dead end. */
  next?: string;
}

/** The running backend of the suite. */
export interface EscapeBackend {
  backend: Backend;
  secrets: PlantedSecrets;
  paths: EscapePaths;
  httpPort: number;
  /** A GraphQL operation as the editor (bearer token). */
  editor<T>(query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>>;
  /** Imports a graph archive through the editor's importGraph upload; returns the graph uuid. */
  importGraph(name: string, nodes: ArchiveNodeSpec[]): Promise<string>;
  /** Opens the graph as an anonymous listener. */
  listen(graphUuid: string): EscapeListener;
  /** Stream log messages of a stream, oldest first. */
  logs(streamUuid: string): Promise<string[]>;
  variables(streamUuid: string): Promise<Record<string, string>>;
  /** `table: secret name` for every stored row that contains a planted secret, and the tables read. */
  secretsInDatabase(): Promise<{ hits: string[]; tables: string[] }>;
  close(): Promise<void>;
}

/** `count` fake points acknowledging every instruction at once (their rows are stored directly). */
async function startAckingPoints(count: number, secret: string, backendOscPort: () => number) {
  const points: FakeStreamPoint[] = [];
  for (let index = 0; index < count; index++)
    points.push(await startFakeStreamPoint({ secret, backendPort: backendOscPort }));
  return {
    ports: points.map((point) => point.port),
    close: () => points.forEach((point) => point.close()),
  };
}

function plantSecrets(): { secrets: PlantedSecrets; paths: EscapePaths } {
  const tag = () => randomBytes(12).toString('hex');
  const secrets: PlantedSecrets = {
    file: `PLANTED-FILE-SECRET-${tag()}`,
    janus: `PLANTED-JANUS-SECRET-${tag()}`,
    env: `PLANTED-ENV-SECRET-${tag()}`,
    envName: 'GENCASTER_ESCAPE_SUITE_SECRET',
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'escape-backend-'));
  chmodSync(dataDir, 0o700);
  const secretFile = join(dataDir, 'escape-planted-secret.txt');
  writeFileSync(secretFile, secrets.file, { mode: 0o600 });
  const janusFile = join(dataDir, 'janus-secrets.json');
  writeFileSync(
    janusFile,
    JSON.stringify({
      apiSecret: secrets.janus,
      adminSecret: secrets.janus,
      pluginAdminKey: secrets.janus,
      mountKey: secrets.janus,
    }),
    { mode: 0o600 },
  );
  const markerDir = mkdtempSync('/var/tmp/gencaster-escape-');
  chmodSync(markerDir, 0o777);
  return {
    secrets,
    paths: { dataDir, secretFile, janusFile, markerDir, marker: join(markerDir, 'escaped') },
  };
}

const streamInfoQuery = `subscription ($graphUuid: UUID!) {
  streamInfo(graphUuid: $graphUuid) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid } streamInstruction { instructionText } }
    ... on Dialog { title }
    ... on GraphDeadEnd { error }
    ... on NoStreamAvailable { error }
  }
}`;

async function until(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Starts the real backend (`startBackend`, no sound fleet) with planted secrets and `points`
 * acknowledging stream points. The environment secret is set on this process before the start
 * (the backend is this process) and removed again by `close()`.
 */
export async function startEscapeBackend(options: { points: number }): Promise<EscapeBackend> {
  const { secrets, paths } = plantSecrets();
  process.env[secrets.envName] = secrets.env;
  let oscPort = 0;
  const oscSecret = randomBytes(24).toString('hex');
  const points = await startAckingPoints(options.points, oscSecret, () => oscPort);
  const httpPort = await freeTcpPort();
  const config = loadConfig(
    {
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_PORT: String(httpPort),
      GENCASTER_OSC_PORT: String(await freeUdpPort()),
      GENCASTER_OSC_SECRET: oscSecret,
      GENCASTER_DATA_DIR: paths.dataDir,
      GENCASTER_SOUND_POINTS: '0',
      LOG_LEVEL: 'warn',
    },
    repoRoot,
  );
  let backend: Backend;
  const cleanup = () => {
    points.close();
    delete process.env[secrets.envName];
    rmSync(paths.dataDir, { recursive: true, force: true });
    rmSync(paths.markerDir, { recursive: true, force: true });
  };
  try {
    backend = await startBackend(config, { soundPoints: 0 });
  } catch (error) {
    cleanup();
    throw error;
  }
  oscPort = backend.oscPort;
  const database = backend.database;
  const user = await createUser(database, {
    username: 'escape-editor',
    password: 'escape-editor-password',
    role: 'editor',
  });
  const { token } = await createSession(database, {
    userUuid: user.uuid,
    kind: 'api_token',
    name: 'escape suite',
    ttlMs: null,
  });
  await database.db
    .insertInto('streamPoint')
    .values(
      points.ports.map((port, index) => ({
        host: '127.0.0.1',
        port,
        lastLive: new Date(Date.now() + 30 * 60_000),
        janusOutRoom: 9000 + index,
      })),
    )
    .execute();
  const graphqlUrl = `${backend.url}/graphql`;
  const wsUrl = graphqlUrl.replace(/^http/, 'ws');
  const clients: Client[] = [];

  async function editor<T>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlAnswer<T>> {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlAnswer<T>;
  }

  async function importGraph(name: string, nodes: ArchiveNodeSpec[]): Promise<string> {
    const archive = {
      format: 'gencaster-graph',
      version: 1,
      exportedAt: new Date().toISOString(),
      graph: {
        name,
        displayName: name,
        slugName: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        streamAssignmentPolicy: 'one_user_one_stream',
        publicVisible: true,
        templateName: 'default',
        startText: '',
        aboutText: '',
        endText: '',
      },
      nodes: nodes.map((node, index) => ({
        name: node.name,
        color: '#000000',
        positionX: index * 10,
        positionY: 0,
        isEntryNode: index === 0,
        isBlockingNode: false,
        doors: [
          {
            id: `${node.name}/in`,
            doorType: 'input',
            name: 'in',
            order: 0,
            isDefault: true,
            code: '',
          },
          {
            id: `${node.name}/out`,
            doorType: 'output',
            name: 'out',
            order: 0,
            isDefault: true,
            code: '',
          },
          ...(node.doors ?? []).map((door, order) => ({
            id: `${node.name}/${door.name}`,
            doorType: 'output',
            name: door.name,
            order: order + 1,
            isDefault: false,
            code: door.code,
          })),
        ],
        cells: node.cells.map((cell, order) => ({
          cellType: cell.type,
          cellCode: cell.code,
          cellOrder: order,
          audio: null,
        })),
      })),
      edges: nodes.flatMap((node) => [
        ...(node.next ? [{ from: `${node.name}/out`, to: `${node.next}/in` }] : []),
        ...(node.doors ?? []).map((door) => ({
          from: `${node.name}/${door.name}`,
          to: `${door.to}/in`,
        })),
      ]),
      audioFiles: [],
    };
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: 'mutation ($file: Upload!) { importGraph(file: $file) { graphs { uuid } } }',
        variables: { file: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append(
      '0',
      new Blob([JSON.stringify(archive)], { type: 'application/json' }),
      'graph.json',
    );
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': '1' },
      body: form,
    });
    const body = (await response.json()) as GqlAnswer<{
      importGraph: { graphs: { uuid: string }[] };
    }>;
    const uuid = body.data?.importGraph.graphs[0]?.uuid;
    if (!uuid) throw new Error(`importGraph failed: ${JSON.stringify(body.errors ?? body)}`);
    return uuid;
  }

  function listen(graphUuid: string): EscapeListener {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    const events: ListenerEvent[] = [];
    let failure: unknown;
    let done = false;
    client.subscribe<{ streamInfo: ListenerEvent }>(
      { query: streamInfoQuery, variables: { graphUuid } },
      {
        next: (result) => {
          if (result.data?.streamInfo) events.push(result.data.streamInfo);
          if (result.errors) failure = result.errors;
        },
        error: (error) => {
          failure = error;
          done = true;
        },
        complete: () => {
          done = true;
        },
      },
    );
    const first = () => events.find((event) => event.__typename === 'StreamInfo');
    const started = async () => {
      await until('the listener got a stream', 30_000, () => first() !== undefined || done);
      const info = first();
      if (!info?.stream || !info.listenerToken)
        throw new Error(`no stream for the listener: ${JSON.stringify({ events, failure })}`);
      return { streamUuid: info.stream.uuid, token: info.listenerToken };
    };
    return {
      events,
      started,
      async ended(timeoutMs = 90_000) {
        await until(
          'the walk reached its dead end',
          timeoutMs,
          () =>
            events.some(
              (event) =>
                event.__typename === 'GraphDeadEnd' || event.__typename === 'NoStreamAvailable',
            ) || done,
        );
        if (!events.some((event) => event.__typename === 'GraphDeadEnd'))
          throw new Error(
            `the walk did not end in GraphDeadEnd: ${JSON.stringify({ events, failure })}`,
          );
      },
      async answer(key, value) {
        const { streamUuid, token: listenerToken } = await started();
        const response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query:
              'mutation ($vars: [StreamVariableInput!]!, $t: String) { createUpdateStreamVariable(streamVariables: $vars, listenerToken: $t) { key } }',
            variables: { vars: [{ streamUuid, key, value }], t: listenerToken },
          }),
        });
        const body = (await response.json()) as GqlAnswer<unknown>;
        if (body.errors?.length) throw new Error(`answer failed: ${JSON.stringify(body.errors)}`);
      },
      close: () => client.dispose() as Promise<void>,
    };
  }

  const logs = async (streamUuid: string) =>
    (
      await database.db
        .selectFrom('streamLog')
        .select(['message', 'createdDate'])
        .where('streamUuid', '=', streamUuid)
        .orderBy('createdDate')
        .execute()
    ).map((row) => row.message);

  const variables = async (streamUuid: string) =>
    Object.fromEntries(
      (await listStreamVariables(database, streamUuid)).map((row) => [row.key, row.value]),
    );

  async function secretsInDatabase(): Promise<{ hits: string[]; tables: string[] }> {
    const tables = await sql<{ t: string }>`
      select table_name as t from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(database.db);
    const hits: string[] = [];
    for (const { t: table } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
        database.db,
      );
      const text = JSON.stringify(rows.rows);
      for (const name of ['file', 'janus', 'env'] as const)
        if (text.includes(secrets[name])) hits.push(`${table}: ${name} secret`);
    }
    return { hits, tables: tables.rows.map((row) => row.t) };
  }

  return {
    backend,
    secrets,
    paths,
    httpPort,
    editor,
    importGraph,
    listen,
    logs,
    variables,
    secretsInDatabase,
    async close() {
      await Promise.all(clients.map(async (client) => client.dispose()));
      await backend.close();
      cleanup();
    },
  };
}
