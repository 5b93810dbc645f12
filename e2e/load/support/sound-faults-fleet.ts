import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Database } from '@gencaster/db';
import {
  readFleetStatus,
  readJanusSecrets,
  type FleetStatus,
  type PointProcessStatus,
} from '@gencaster/sound';
import { waitUntil } from './child-process.ts';

/** A process of the fleet that a fault test kills: Janus, or one child of the point in `room`. */
export type FleetTarget =
  | { kind: 'janus' }
  | { kind: 'point'; room: number; child: 'jackd' | 'scsynth' | 'sclang' | 'gst-out' };

/** Outcome of {@link killAndAwaitRestart}. */
export interface FleetRestart {
  killedPid: number;
  newPid: number;
  killedAt: number;
  /** From the kill until the launcher reported the new process running. */
  restartMs: number;
}

/** The launcher's `status.json` in a backend data dir (`<dataDir>/sound`). */
export function fleetStatus(dataDir: string): FleetStatus {
  return readFleetStatus(join(dataDir, 'sound'));
}

/** The status of one fleet process, as the launcher last wrote it. */
export function fleetProcess(status: FleetStatus, target: FleetTarget): PointProcessStatus {
  if (target.kind === 'janus') return status.janus.process;
  const point = status.points.find((p) => p.room === target.room);
  const found = point?.processes.find((p) => p.name === `point-${point.index}/${target.child}`);
  if (!found) throw new Error(`no ${target.child} for room ${target.room} in status.json`);
  return found;
}

/** Every process of point `room` (and Janus) runs with a PID: the point is whole again. */
export function pointWhole(status: FleetStatus, room: number): boolean {
  const point = status.points.find((p) => p.room === room);
  return (
    status.janus.process.state === 'running' &&
    point !== undefined &&
    point.processes.every((p) => p.state === 'running' && p.pid !== null)
  );
}

/**
 * Kills the target with SIGKILL by the PID from status.json, then waits (bounded) until the
 * launcher reports a new PID in state running and the whole point (all its processes) is up.
 */
export async function killAndAwaitRestart(
  dataDir: string,
  target: FleetTarget,
  room: number,
  timeoutMs = 60_000,
): Promise<FleetRestart> {
  const before = fleetProcess(fleetStatus(dataDir), target);
  if (before.pid === null || before.state !== 'running')
    throw new Error(`${before.name} is not running before the kill (${before.state})`);
  const killedPid = before.pid;
  const killedAt = Date.now();
  process.kill(killedPid, 'SIGKILL');
  const newPid = await waitUntil(
    `${before.name} restarted by the launcher`,
    () => {
      const status = fleetStatus(dataDir);
      const now = fleetProcess(status, target);
      return Promise.resolve(
        now.pid !== null && now.pid !== killedPid && pointWhole(status, room) ? now.pid : undefined,
      );
    },
    timeoutMs,
    200,
  );
  return { killedPid, newPid, killedAt, restartMs: Date.now() - killedAt };
}

/** The stream point row whose Janus mountpoint is `room`. */
export async function pointByRoom(database: Database, room: number) {
  return database.db
    .selectFrom('streamPoint')
    .select(['uuid', 'lastLive', 'janusOutRoom'])
    .where('janusOutRoom', '=', room)
    .executeTakeFirstOrThrow();
}

/** Instructions on a point created after `since`, by state (e.g. `{ FINISHED: 3, SENT: 1 }`). */
export async function instructionStatesSince(
  database: Database,
  pointUuid: string,
  since: number,
): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('streamInstruction')
    .select(['state'])
    .where('streamPointUuid', '=', pointUuid)
    .where('createdDate', '>', new Date(since))
    .execute();
  const states: Record<string, number> = {};
  for (const row of rows) states[row.state] = (states[row.state] ?? 0) + 1;
  return states;
}

/** One mountpoint as the fleet's Janus lists it, with `age_ms` of its last RTP packet. */
export interface ListedMountpoint {
  id: number;
  ageMs: number | null;
}

/**
 * Lists the streaming mountpoints of the fleet's Janus through its HTTP API (a throw-away session,
 * the plugin admin key from `<dataDir>/janus-secrets.json` so private mountpoints are listed).
 */
export async function listJanusMountpoints(dataDir: string): Promise<ListedMountpoint[]> {
  const { apiSecret, pluginAdminKey } = readJanusSecrets(dataDir);
  const url = fleetStatus(dataDir).janus.url;
  const call = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, apisecret: apiSecret, transaction: randomUUID() }),
      signal: AbortSignal.timeout(5000),
    });
    return (await response.json()) as {
      janus: string;
      data?: { id: number };
      plugindata?: { data: { list?: Array<{ id: number; media?: Array<{ age_ms?: number }> }> } };
    };
  };
  const session = (await call('', { janus: 'create' })).data?.id;
  if (session === undefined) throw new Error('Janus refused a session');
  try {
    const handle = (
      await call(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' })
    ).data?.id;
    const reply = await call(`/${session}/${handle}`, {
      janus: 'message',
      body: { request: 'list', admin_key: pluginAdminKey },
    });
    return (reply.plugindata?.data.list ?? []).map((entry) => ({
      id: entry.id,
      ageMs: entry.media?.[0]?.age_ms ?? null,
    }));
  } finally {
    await call(`/${session}`, { janus: 'destroy' }).catch(() => undefined);
  }
}

/**
 * Instructions on a point created from shortly before a kill (`killedAt`) until `to` that never
 * got an outcome (still SENT or RECEIVED): sent to a dead sclang, their engines wait for the
 * sender's deadline. Each with its creation time relative to the kill.
 */
export async function strandedInstructions(
  database: Database,
  pointUuid: string,
  killedAt: number,
  to: number,
): Promise<Array<{ afterKillMs: number; state: string }>> {
  const rows = await database.db
    .selectFrom('streamInstruction')
    .select(['createdDate', 'state'])
    .where('streamPointUuid', '=', pointUuid)
    .where('createdDate', '>=', new Date(killedAt - 1000))
    .where('createdDate', '<=', new Date(to))
    .where('state', 'in', ['SENT', 'RECEIVED', 'UNACKNOWLEDGED'])
    .execute();
  return rows.map((row) => ({
    afterKillMs: row.createdDate.getTime() - killedAt,
    state: row.state,
  }));
}

/** Creation times (ms) of the instructions on a point whose text contains `marker`, oldest first. */
export async function instructionTimes(
  database: Database,
  pointUuid: string,
  marker: string,
): Promise<Array<{ at: number; state: string }>> {
  const rows = await database.db
    .selectFrom('streamInstruction')
    .select(['createdDate', 'state'])
    .where('streamPointUuid', '=', pointUuid)
    .where('instructionText', 'like', `%${marker}%`)
    .orderBy('createdDate')
    .execute();
  return rows.map((row) => ({ at: row.createdDate.getTime(), state: row.state }));
}
