import {
  GencasterError,
  liveSince,
  parseInput,
  streamPointBeaconSchema,
  STREAM_POINT_LIVE_WINDOW_MS,
  uuidSchema,
  type StreamPoint,
  type StreamPointBeaconInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/** The clock and window that decide liveness; both default (now, 60 s). */
export interface LivenessOptions {
  now?: Date;
  windowMs?: number;
}

/**
 * Creates or updates the stream point of a beacon, keyed by (host, port); `lastLive` is set to the
 * beacon's receive time. Absent optional fields keep their stored value, `null` clears them.
 */
export async function upsertStreamPointFromBeacon(
  handle: DbHandle,
  beacon: StreamPointBeaconInput,
): Promise<StreamPoint> {
  const input = parseInput(streamPointBeaconSchema, beacon);
  const optional = {
    janusInPort: input.janusInPort,
    janusOutPort: input.janusOutPort,
    janusInRoom: input.janusInRoom,
    janusOutRoom: input.janusOutRoom,
    janusPublicIp: input.janusPublicIp,
    janusHttpUrl: input.janusHttpUrl,
    scName: input.scName,
  };
  const given = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('streamPoint')
      .values({
        host: input.host,
        port: input.port,
        useInput: input.useInput,
        lastLive: input.lastLive,
        janusInPort: input.janusInPort ?? null,
        janusOutPort: input.janusOutPort ?? null,
        janusInRoom: input.janusInRoom ?? null,
        janusOutRoom: input.janusOutRoom ?? null,
        janusPublicIp: input.janusPublicIp ?? null,
        janusHttpUrl: input.janusHttpUrl ?? null,
        scName: input.scName ?? null,
      })
      .onConflict((oc) =>
        oc.columns(['host', 'port']).doUpdateSet({
          useInput: input.useInput,
          lastLive: input.lastLive,
          ...given,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** The stream point with this uuid, or NOT_FOUND. */
export async function getStreamPoint(handle: DbHandle, uuid: string): Promise<StreamPoint> {
  const point = await findStreamPoint(handle, uuid);
  if (!point) throw new GencasterError('NOT_FOUND', `stream point ${uuid} does not exist`);
  return point;
}

/** The stream point with this uuid, or undefined. */
export async function findStreamPoint(
  handle: DbHandle,
  uuid: string,
): Promise<StreamPoint | undefined> {
  const id = parseInput(uuidSchema, uuid);
  return withDatabaseErrors(() =>
    handle.db.selectFrom('streamPoint').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
}

/** Every stream point, most recently beaconed first (the original ordering). */
export async function listStreamPoints(handle: DbHandle): Promise<StreamPoint[]> {
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamPoint')
      .selectAll()
      .orderBy('lastLive', (ob) => ob.desc().nullsLast())
      .orderBy('host')
      .orderBy('port')
      .execute(),
  );
}

/** Oldest beacon time that still counts as live for these options (default: now, 60 s). */
function liveCutoff(options: LivenessOptions): Date {
  return liveSince(options.now ?? new Date(), options.windowMs ?? STREAM_POINT_LIVE_WINDOW_MS);
}

/** Stream points whose last beacon lies within the window, most recent first. */
export async function listLiveStreamPoints(
  handle: DbHandle,
  options: LivenessOptions = {},
): Promise<StreamPoint[]> {
  const since = liveCutoff(options);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamPoint')
      .selectAll()
      .where('lastLive', '>', since)
      .orderBy('lastLive', 'desc')
      .orderBy('host')
      .orderBy('port')
      .execute(),
  );
}

/**
 * Live stream points that hold no active stream, i.e. can be handed to a new stream; the most
 * recently beaconed first. A snapshot: use `assignStream` to actually claim one race-free.
 */
export async function freeStreamPoints(
  handle: DbHandle,
  options: LivenessOptions = {},
): Promise<StreamPoint[]> {
  const since = liveCutoff(options);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamPoint as p')
      .selectAll('p')
      .where('p.lastLive', '>', since)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('stream as s')
              .select('s.uuid')
              .whereRef('s.streamPointUuid', '=', 'p.uuid')
              .where('s.active', '=', true),
          ),
        ),
      )
      .orderBy('p.lastLive', 'desc')
      .orderBy('p.host')
      .orderBy('p.port')
      .execute(),
  );
}

/** Deletes a stream point (and, by cascade, its streams, instructions and logs). */
export async function deleteStreamPoint(handle: DbHandle, uuid: string): Promise<boolean> {
  const id = parseInput(uuidSchema, uuid);
  const result = await withDatabaseErrors(() =>
    handle.db.deleteFrom('streamPoint').where('uuid', '=', id).executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/** The uuid of the stream point at this sclang address (host, lang port), or undefined. */
export async function findStreamPointUuidAt(
  handle: DbHandle,
  address: { host: string; port: number },
): Promise<string | undefined> {
  const row = await handle.db
    .selectFrom('streamPoint')
    .select('uuid')
    .where('host', '=', address.host)
    .where('port', '=', address.port)
    .executeTakeFirst();
  return row?.uuid;
}

/** Reads one stream point row (or none): the health check's proof that the database answers. */
export async function probeStreamPoints(handle: DbHandle): Promise<void> {
  await handle.db.selectFrom('streamPoint').select('uuid').limit(1).execute();
}
