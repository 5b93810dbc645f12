import {
  assignStreamSchema,
  GencasterError,
  isStreamPointLive,
  parseInput,
  STREAM_POINT_LIVE_WINDOW_MS,
  streamListenerSchema,
  uuidSchema,
  type AssignStreamInput,
  type Stream,
  type StreamListenerInput,
} from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';
import { freeStreamPoints } from './stream-points.ts';
import { addListener, lockStream, markReleased, readStream, streamColumns } from './stream-rows.ts';

/** Result of {@link joinStream}: the stream after the join; `joined` false if already counted. */
export interface JoinResult {
  stream: Stream;
  joined: boolean;
}

/** Result of {@link leaveStream}: `left` false if not counted; `released` when it hit 0. */
export interface LeaveResult {
  stream: Stream;
  left: boolean;
  released: boolean;
}

/**
 * Gives `listenerId` a stream of the graph, following its assignment policy, and counts the
 * listener on it, all in one transaction:
 * - `one_user_one_stream`: a new exclusive stream on a free live point. Claims race-free via the
 *   partial unique index (one active stream per point): a request that loses a point tries the next.
 * - `one_graph_one_stream`: joins the graph's active shared stream if its point is still live,
 *   else releases it and creates one (serialised per graph by an advisory lock).
 * - `deactivate`: refused.
 * Throws NOT_FOUND for an unknown graph and NO_STREAM_AVAILABLE when no point is free or the graph
 * is deactivated (`details.reason`).
 */
export async function assignStream(handle: DbHandle, request: AssignStreamInput): Promise<Stream> {
  const input = parseInput(assignStreamSchema, request);
  const now = input.now ?? new Date();
  const windowMs = input.windowMs ?? STREAM_POINT_LIVE_WINDOW_MS;
  return withTransaction(handle, async (tx) => {
    const graph = await tx.db
      .selectFrom('graph')
      .select(['uuid', 'streamAssignmentPolicy'])
      .where('uuid', '=', input.graphUuid)
      .executeTakeFirst();
    if (!graph) throw new GencasterError('NOT_FOUND', `graph ${input.graphUuid} does not exist`);
    switch (graph.streamAssignmentPolicy) {
      case 'deactivate':
        throw new GencasterError('NO_STREAM_AVAILABLE', 'streams of this graph are deactivated', {
          details: { reason: 'deactivated', graphUuid: graph.uuid },
        });
      case 'one_user_one_stream':
        return claimNewStream(tx, graph.uuid, false, input.listenerId, { now, windowMs });
      case 'one_graph_one_stream':
        return joinSharedStream(tx, graph.uuid, input.listenerId, { now, windowMs });
    }
  });
}

interface Clock {
  now: Date;
  windowMs: number;
}

async function claimNewStream(
  tx: DbHandle,
  graphUuid: string,
  shared: boolean,
  listenerId: string,
  clock: Clock,
): Promise<Stream> {
  const candidates = await freeStreamPoints(tx, clock);
  for (const point of candidates) {
    const stream = await tx.db
      .insertInto('stream')
      .values({ streamPointUuid: point.uuid, graphUuid, shared })
      .onConflict((oc) =>
        oc
          .column('streamPointUuid')
          .where(sql<boolean>`active`)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (!stream) continue; // another request claimed this point first
    await addListener(tx, stream.uuid, listenerId);
    return readStream(tx, stream.uuid);
  }
  throw new GencasterError('NO_STREAM_AVAILABLE', 'no stream point is free', {
    details: { reason: 'no_free_point', candidates: candidates.length },
  });
}

async function joinSharedStream(
  tx: DbHandle,
  graphUuid: string,
  listenerId: string,
  clock: Clock,
): Promise<Stream> {
  await sql`select pg_advisory_xact_lock(hashtext(${'gencaster-graph:' + graphUuid}))`.execute(
    tx.db,
  );
  const current = await tx.db
    .selectFrom('stream as s')
    .innerJoin('streamPoint as p', 'p.uuid', 's.streamPointUuid')
    .select(['s.uuid', 'p.lastLive'])
    .where('s.graphUuid', '=', graphUuid)
    .where('s.active', '=', true)
    .where('s.shared', '=', true)
    .forUpdate()
    .executeTakeFirst();
  if (current && isStreamPointLive(current.lastLive, clock.now, clock.windowMs)) {
    await addListener(tx, current.uuid, listenerId);
    return readStream(tx, current.uuid);
  }
  if (current) await markReleased(tx, current.uuid, clock.now);
  return claimNewStream(tx, graphUuid, true, listenerId, clock);
}

/**
 * Counts `listenerId` on an active stream; idempotent (joining twice counts once). CONFLICT when the
 * stream has already been released, NOT_FOUND when it does not exist.
 */
export async function joinStream(
  handle: DbHandle,
  request: StreamListenerInput,
): Promise<JoinResult> {
  const input = parseInput(streamListenerSchema, request);
  return withTransaction(handle, async (tx) => {
    const stream = await lockStream(tx, input.streamUuid);
    if (!stream.active) {
      throw new GencasterError('CONFLICT', `stream ${stream.uuid} has been released`, {
        details: { reason: 'released' },
      });
    }
    const joined = await addListener(tx, stream.uuid, input.listenerId);
    return { stream: await readStream(tx, stream.uuid), joined };
  });
}

/**
 * Stops counting `listenerId` on a stream; idempotent (a second leave changes nothing). When the
 * count reaches 0 the stream is released (inactive), which frees its stream point.
 */
export async function leaveStream(
  handle: DbHandle,
  request: StreamListenerInput,
): Promise<LeaveResult> {
  const input = parseInput(streamListenerSchema, request);
  return withTransaction(handle, async (tx) => {
    // The delete's trigger decrements (and row-locks) the stream; joins lock it before checking
    // `active`, so releasing at 0 below cannot race with a join.
    const removed = await tx.db
      .deleteFrom('streamListener')
      .where('streamUuid', '=', input.streamUuid)
      .where('listenerId', '=', input.listenerId)
      .returning('listenerId')
      .executeTakeFirst();
    const id = input.streamUuid;
    const result = await sql<Stream & { released: boolean }>`
      with before as (select active and num_listeners = 0 as releasing from stream where uuid = ${id})
      update stream set
        active = active and not (select releasing from before),
        ended_date = case when (select releasing from before) then now() else ended_date end
      where uuid = ${id}
      returning ${sql.join(streamColumns.map((c) => sql.ref(c)))}, (select releasing from before) as released`.execute(
      tx.db,
    );
    const stream = result.rows[0];
    if (!stream) throw new GencasterError('NOT_FOUND', `stream ${input.streamUuid} does not exist`);
    const { released, ...rest } = stream;
    return { stream: rest, left: removed !== undefined, released };
  });
}

/** The stream with this uuid, or NOT_FOUND. */
export async function getStream(handle: DbHandle, uuid: string): Promise<Stream> {
  const id = parseInput(uuidSchema, uuid);
  return withDatabaseErrors(() => readStream(handle, id));
}

/** Options of {@link listStreams}. */
export interface ListStreamsOptions {
  /** Newest first; default 20 (the original `streams` subscription). */
  limit?: number;
  activeOnly?: boolean;
  graphUuid?: string;
}

/** The newest streams. */
export async function listStreams(
  handle: DbHandle,
  options: ListStreamsOptions = {},
): Promise<Stream[]> {
  return withDatabaseErrors(() => {
    let query = handle.db.selectFrom('stream').selectAll();
    if (options.activeOnly) query = query.where('active', '=', true);
    if (options.graphUuid)
      query = query.where('graphUuid', '=', parseInput(uuidSchema, options.graphUuid));
    return query
      .orderBy('createdDate', 'desc')
      .orderBy('uuid')
      .limit(options.limit ?? 20)
      .execute();
  });
}

/** The listener ids currently counted on a stream. */
export async function listStreamListeners(handle: DbHandle, streamUuid: string): Promise<string[]> {
  const id = parseInput(uuidSchema, streamUuid);
  const rows = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamListener')
      .select('listenerId')
      .where('streamUuid', '=', id)
      .execute(),
  );
  return rows.map((row) => row.listenerId);
}
