import { createServer, type Server } from 'node:http';
import { createApiServer, type ApiServer } from '@gencaster/api';
import {
  createSession,
  createUser,
  listStreamVariables,
  migrate,
  openDatabase,
  upsertStreamPointFromBeacon,
  type Database,
} from '@gencaster/db';
import type { StreamPointBeaconInput } from '@gencaster/domain';
import { startTestJanus, startToneSender, type TestJanus } from './listener-janus.ts';
import type { TestProcess } from './listener-processes.ts';
import { startListenerSite, type ListenerSite } from './listener-site.ts';

/** One stream point of the stack: a Janus mountpoint fed with a sine of this frequency. */
export interface StackPoint {
  room: number;
  frequency: number;
}

/**
 * The listener-facing half of the system, assembled from the real packages: @gencaster/db
 * (embedded PostgreSQL), @gencaster/api (GraphQL HTTP + WebSocket), a real Janus whose mountpoints
 * GStreamer feeds, stream points registered through the same beacon upsert the OSC server uses,
 * and the built listener app. No graph engine is wired, so sessions get StreamInfo only.
 */
export interface ListenerApiStack {
  url: string;
  database: Database;
  janus: TestJanus;
  /** Runs a GraphQL operation as an editor (bearer token). */
  editor<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  variables(streamUuid: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts the stack with the given points (beacons refreshed every 10 s while it runs). */
export async function startListenerApiStack(points: StackPoint[]): Promise<ListenerApiStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const database = await openDatabase({ inMemory: true });
    cleanups.push(() => database.close());
    await migrate(database);
    const api: ApiServer = createApiServer({ database });
    const server: Server = createServer((request, response) => void api.handler(request, response));
    api.attachWebSocket(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const apiPort = (server.address() as { port: number }).port;

    const janus = await startTestJanus();
    cleanups.push(() => janus.stop());
    const tones: TestProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(tones.map((tone) => tone.stop()));
    });
    const beacons: Omit<StreamPointBeaconInput, 'lastLive'>[] = [];
    for (const [index, point] of points.entries()) {
      const rtpPort = await janus.createMountpoint(point.room);
      tones.push(startToneSender(rtpPort, point.frequency));
      beacons.push({
        host: '127.0.0.1',
        port: 57_200 + index,
        janusOutRoom: point.room,
        janusOutPort: rtpPort,
        scName: `Tone${index}`,
      });
    }
    const beacon = async () => {
      for (const entry of beacons)
        await upsertStreamPointFromBeacon(database, { ...entry, lastLive: new Date() });
    };
    await beacon();
    const timer = setInterval(() => void beacon().catch(() => undefined), 10_000);
    cleanups.push(() => Promise.resolve(clearInterval(timer)));

    const site: ListenerSite = await startListenerSite({
      janusUrl: janus.httpUrl,
      graphqlTarget: `http://127.0.0.1:${apiPort}`,
    });
    cleanups.push(() => site.close());

    const user = await createUser(database, {
      username: 'listener-e2e',
      password: 'listener-e2e-password',
      role: 'editor',
    });
    const { token } = await createSession(database, {
      userUuid: user.uuid,
      kind: 'api_token',
      name: 'e2e',
      ttlMs: null,
    });
    return {
      url: site.url,
      database,
      janus,
      async editor<T>(query: string, variables: Record<string, unknown> = {}) {
        const response = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
        if (body.errors?.length)
          throw new Error(body.errors.map((error) => error.message).join('; '));
        if (!body.data) throw new Error(`GraphQL answered HTTP ${response.status} without data`);
        return body.data;
      },
      async variables(streamUuid) {
        const rows = await listStreamVariables(database, streamUuid);
        return Object.fromEntries(rows.map((row) => [row.key, row.value]));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
