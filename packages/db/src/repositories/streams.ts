import {
  assignStreamSchema,
  GencasterError,
  liveSince,
  parseInput,
  STREAM_POINT_LIVE_WINDOW_MS,
  streamListenerSchema,
  uuidSchema,
  type AssignStreamInput,
  type Stream,
  type StreamListenerInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import {
  claimStreamOnce,
  joinStreamOnce,
  leaveStreamOnce,
  type AssignedStream,
} from './stream-claim.ts';
import { markReleased, readStream } from './stream-rows.ts';

export type { AssignedStream } from './stream-claim.ts';

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

/** Claim attempts before a request gives up under extreme contention (each is one statement). */
const MAX_CLAIM_ATTEMPTS = 12;

/**
 * Gives `listenerId` a stream of the graph, following its assignment policy, and counts the
 * listener on it — one statement per attempt ({@link claimStreamOnce}):
 * - `one_user_one_stream`: a new exclusive stream on a free live point, claimed with `SKIP LOCKED`
 *   so concurrent requests take different points; the partial unique index (one active stream per
 *   point) makes a lost race a retry, never a double assignment.
 * - `one_graph_one_stream`: joins the graph's active shared stream if its point is still live;
 *   a shared stream on a silent point is released first (a second statement, rare); otherwise one
 *   is created (one active shared stream per graph, by a partial unique index).
 * - `deactivate`: refused.
 * The stream comes with its point (`point`), read in the same statement. Throws NOT_FOUND for an
 * unknown graph and NO_STREAM_AVAILABLE when no point is free or the graph is deactivated
 * (`details.reason`).
 */
export async function assignStream(
  handle: DbHandle,
  request: AssignStreamInput,
): Promise<AssignedStream> {
  const input = parseInput(assignStreamSchema, request);
  const now = input.now ?? new Date();
  const since = liveSince(now, input.windowMs ?? STREAM_POINT_LIVE_WINDOW_MS);
  const claim = { graphUuid: input.graphUuid, listenerId: input.listenerId, since };
  return withDatabaseErrors(async () => {
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      const outcome = await claimStreamOnce(handle, claim);
      switch (outcome.kind) {
        case 'assigned':
          return outcome.stream;
        case 'no_graph':
          throw new GencasterError('NOT_FOUND', `graph ${input.graphUuid} does not exist`);
        case 'deactivated':
          throw new GencasterError('NO_STREAM_AVAILABLE', 'streams of this graph are deactivated', {
            details: { reason: 'deactivated', graphUuid: input.graphUuid },
          });
        case 'no_point':
          throw new GencasterError('NO_STREAM_AVAILABLE', 'no stream point is free', {
            details: { reason: 'no_free_point' },
          });
        case 'stale_shared':
          await markReleased(handle, outcome.streamUuid, now);
          break;
        case 'lost_race':
          // the other claims commit within a statement's time: a short, spread-out pause
          await new Promise((done) => setTimeout(done, Math.random() * attempt * 4));
          break;
      }
    }
    throw new GencasterError('NO_STREAM_AVAILABLE', 'no stream point is free', {
      details: { reason: 'contention', attempts: MAX_CLAIM_ATTEMPTS },
    });
  });
}

/**
 * Counts `listenerId` on an active stream; idempotent (joining twice counts once). One statement
 * ({@link joinStreamOnce}). CONFLICT when the stream has already been released, NOT_FOUND when it
 * does not exist.
 */
export async function joinStream(
  handle: DbHandle,
  request: StreamListenerInput,
): Promise<JoinResult> {
  const input = parseInput(streamListenerSchema, request);
  const result = await withDatabaseErrors(() => joinStreamOnce(handle, input));
  if (!result) throw new GencasterError('NOT_FOUND', `stream ${input.streamUuid} does not exist`);
  if (!result.stream.active) {
    throw new GencasterError('CONFLICT', `stream ${input.streamUuid} has been released`, {
      details: { reason: 'released' },
    });
  }
  return result;
}

/**
 * Stops counting `listenerId` on a stream; idempotent (a second leave changes nothing). When the
 * count reaches 0 the stream is released (inactive), which frees its stream point. One statement
 * ({@link leaveStreamOnce}).
 */
export async function leaveStream(
  handle: DbHandle,
  request: StreamListenerInput,
): Promise<LeaveResult> {
  const input = parseInput(streamListenerSchema, request);
  const result = await withDatabaseErrors(() => leaveStreamOnce(handle, input));
  if (!result) throw new GencasterError('NOT_FOUND', `stream ${input.streamUuid} does not exist`);
  return result;
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

/** The stream a listener id is counted on, or undefined (the listener left or never joined). */
export async function findListenerStreamUuid(
  handle: DbHandle,
  listenerId: string,
): Promise<string | undefined> {
  const row = await handle.db
    .selectFrom('streamListener')
    .select('streamUuid')
    .where('listenerId', '=', listenerId)
    .executeTakeFirst();
  return row?.streamUuid;
}

/** The point of the active stream a listener id is counted on, or undefined. */
export async function findListenerActivePointUuid(
  handle: DbHandle,
  listenerId: string,
): Promise<string | undefined> {
  const row = await handle.db
    .selectFrom('streamListener')
    .innerJoin('stream', 'stream.uuid', 'streamListener.streamUuid')
    .select('stream.streamPointUuid')
    .where('streamListener.listenerId', '=', listenerId)
    .where('stream.active', '=', true)
    .executeTakeFirst();
  return row?.streamPointUuid;
}
