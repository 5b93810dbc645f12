import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSession, createUser, listStreamVariables } from '@gencaster/db';
import { readFleetStatus, type FleetStatus } from '@gencaster/sound';
import { loadConfig } from '../../apps/backend/src/config.ts';
import { startBackend, type Backend } from '../../apps/backend/src/start-backend.ts';
import { freeTcpPort, freeUdpPort, waitFor } from './listener-processes.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A live stream point as the API reports it. */
export interface LivePoint {
  uuid: string;
  port: number;
  useInput: boolean;
  janusInRoom: number | null;
  janusOutRoom: number | null;
}

/** The real backend (GraphQL, OSC, engines, web apps, sound fleet) for a listener test. */
export interface ListenerBackend {
  url: string;
  backend: Backend;
  /** The backend's data dir (database, sound fleet state, janus-secrets.json). */
  dataDir: string;
  /** API token of the harness's editor account (`Authorization: Bearer …`). */
  editorToken: string;
  /** Runs a GraphQL operation as an editor (bearer token) and returns its data; throws on errors. */
  editor<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Waits until `count` stream points are live and have a Janus mountpoint. */
  waitForPoints(count: number, timeoutMs?: number): Promise<LivePoint[]>;
  /** The sound fleet's status file (Janus ports, per-point output level). */
  fleetStatus(): FleetStatus;
  /**
   * The sclang code of an instruction (the page only learns its uuid, `data-instruction`; listeners
   * never see the code). Empty when unknown.
   */
  instructionText(uuid: string | null): Promise<string>;
  /** The stored variables of a stream, key → value. */
  variables(streamUuid: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Options for the backend under test. */
export interface ListenerBackendOptions {
  soundPoints: number;
  /** Give each point a microphone input (audiobridge room). */
  input?: boolean;
  /** More backend settings (e.g. `GENCASTER_END_SCREEN_GRACE_MS`). */
  env?: Record<string, string>;
}

/**
 * Starts the real backend in this process on free ports with a fresh embedded database, serving
 * the built listener app at `/`, plus an editor account whose API token the test uses for seeding.
 */
export async function startListenerBackend(
  options: ListenerBackendOptions,
): Promise<ListenerBackend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'listener-backend-'));
  const config = loadConfig(
    {
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_PORT: String(await freeTcpPort()),
      GENCASTER_OSC_PORT: String(await freeUdpPort()),
      GENCASTER_DATA_DIR: dataDir,
      GENCASTER_SOUND_POINTS: String(options.soundPoints),
      GENCASTER_SOUND_INPUT: options.input ? '1' : '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    repoRoot,
  );
  let backend: Backend;
  try {
    backend = await startBackend(config, { soundPoints: options.soundPoints });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const user = await createUser(backend.database, {
      username: 'listener-e2e',
      password: 'listener-e2e-password',
      role: 'editor',
    });
    const { token } = await createSession(backend.database, {
      userUuid: user.uuid,
      kind: 'api_token',
      name: 'listener e2e',
      ttlMs: null,
    });

    async function editor<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(`${backend.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length)
        throw new Error(body.errors.map((error) => error.message).join('; '));
      if (!body.data) throw new Error(`GraphQL answered HTTP ${response.status} without data`);
      return body.data;
    }

    return {
      url: backend.url,
      backend,
      dataDir,
      editorToken: token,
      editor,
      waitForPoints: (count, timeoutMs = 90_000) =>
        waitFor(
          `${count} live stream points`,
          async () => {
            const { streamPoints } = await editor<{ streamPoints: LivePoint[] }>(
              'query { streamPoints { uuid port useInput janusInRoom janusOutRoom } }',
            );
            const ready = streamPoints.filter((point) => point.janusOutRoom !== null);
            return ready.length >= count ? ready : undefined;
          },
          timeoutMs,
        ),
      fleetStatus: () => readFleetStatus(join(dataDir, 'sound')),
      async instructionText(uuid) {
        if (!uuid) return '';
        const row = await backend.database.db
          .selectFrom('streamInstruction')
          .select('instructionText')
          .where('uuid', '=', uuid)
          .executeTakeFirst();
        return row?.instructionText ?? '';
      },
      async variables(streamUuid) {
        const rows = await listStreamVariables(backend.database, streamUuid);
        return Object.fromEntries(rows.map((row) => [row.key, row.value]));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
