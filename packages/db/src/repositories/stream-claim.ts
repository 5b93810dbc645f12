// Stream assignment, join and leave as single statements (internal to the stream repositories).
// One statement each: no interactive transaction holds a connection (on PGlite, the only one)
// across client round trips, and the invariants stay in the database — the partial unique
// indexes (one active stream per point, one active shared stream per graph), the counting trigger
// on stream_listener and the idempotent (stream, listener) primary key.
import type { Stream, StreamPoint } from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { isTransientAbort } from '../database-errors.ts';

/**
 * Runs one statement again when PostgreSQL aborted it as a deadlock victim or a serialization
 * failure: a single statement that was rolled back did nothing, so running it again is safe.
 * A leave (stream row, then listener row) meets the opposite lock order in statements that delete
 * listener rows first (presence dropping a dead backend's listeners, a bulk delete).
 */
async function retryAborted<T>(handle: DbHandle, statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      // inside a caller's transaction the whole transaction is aborted: the caller decides
      if (attempt >= 4 || !isTransientAbort(error) || handle.db.isTransaction) throw error;
      await new Promise((done) => setTimeout(done, Math.random() * 10 * attempt));
    }
  }
}

/** A stream as assignment returns it: with its stream point, read in the same statement. */
export type AssignedStream = Stream & { point: StreamPoint };

/** What one claim statement did. */
export type ClaimOutcome =
  | { kind: 'assigned'; stream: AssignedStream }
  | { kind: 'no_graph' }
  | { kind: 'deactivated' }
  | { kind: 'no_point' }
  /**
   * Another request took the point, created the graph's shared stream, or holds the free points
   * locked right now: try again.
   */
  | { kind: 'lost_race' }
  /** The graph's shared stream sits on a point that went silent: release it, then try again. */
  | { kind: 'stale_shared'; streamUuid: string };

interface ClaimRow {
  policy: string;
  staleUuid: string | null;
  hadPoint: boolean;
  anyFree: boolean;
  uuid: string | null;
  createdDate: Date | null;
  modifiedDate: Date | null;
  streamPointUuid: string | null;
  graphUuid: string | null;
  numListeners: number | null;
  active: boolean | null;
  shared: boolean | null;
  endedDate: Date | null;
  /** The point's columns, prefixed `point` (camel-cased by the plugin). */
  [pointColumn: `point${string}`]: unknown;
}

/** The claim's point columns come prefixed `point_` (see migration 0009). */
/** Splits a claim row into the stream and its point (`pointJanusOutRoom` → `janusOutRoom`). */
function splitRow(row: ClaimRow): AssignedStream {
  const stream: Record<string, unknown> = {};
  const point: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('point') && key.length > 5)
      point[key.charAt(5).toLowerCase() + key.slice(6)] = value;
    else stream[key] = value;
  }
  return { ...(stream as unknown as Stream), point: point as unknown as StreamPoint };
}

/**
 * One statement, the stored function `gencaster_claim_stream` (migration 0009, whose plan each
 * connection keeps): reads the graph's policy; for `one_graph_one_stream` joins the graph's active
 * shared stream on a live point; otherwise claims the most recently beaconed free live point
 * (`FOR UPDATE SKIP LOCKED`: concurrent claims take different points instead of queueing behind
 * one) and creates the stream on it; then counts the listener. `ON CONFLICT DO NOTHING` turns a
 * lost race on either partial unique index into `lost_race`, never a second active stream.
 */
export async function claimStreamOnce(
  handle: DbHandle,
  input: { graphUuid: string; listenerId: string; since: Date },
): Promise<ClaimOutcome> {
  const { graphUuid, listenerId, since } = input;
  const result = await retryAborted(handle, () =>
    sql<ClaimRow>`select * from gencaster_claim_stream(${graphUuid}, ${listenerId}, ${since})`.execute(
      handle.db,
    ),
  );
  const row = result.rows[0];
  if (!row) return { kind: 'no_graph' };
  if (row.policy === 'deactivate') return { kind: 'deactivated' };
  if (row.uuid !== null) {
    const { policy: _p, staleUuid: _s, hadPoint: _h, anyFree: _a, ...rest } = row;
    return { kind: 'assigned', stream: splitRow(rest as ClaimRow) };
  }
  if (row.staleUuid !== null) return { kind: 'stale_shared', streamUuid: row.staleUuid };
  return row.hadPoint || row.anyFree ? { kind: 'lost_race' } : { kind: 'no_point' };
}

const streamFields = sql.raw(
  'uuid, created_date, modified_date, stream_point_uuid, graph_uuid, active, shared, ended_date',
);

/**
 * One statement: row-locks the stream, counts the listener if the stream is active (idempotent)
 * and returns the stream as it is after the counting trigger. Undefined when it does not exist.
 */
export async function joinStreamOnce(
  handle: DbHandle,
  input: { streamUuid: string; listenerId: string },
): Promise<{ stream: Stream; joined: boolean } | undefined> {
  const result = await retryAborted(handle, () =>
    sql<Stream & { joined: boolean }>`
    with locked as (
      select ${streamFields}, num_listeners from stream where uuid = ${input.streamUuid} for update
    ),
    counted as (
      insert into stream_listener (stream_uuid, listener_id)
      select uuid, ${input.listenerId} from locked where active
      on conflict do nothing
      returning stream_uuid
    )
    select ${streamFields},
      num_listeners + (select count(*) from counted)::int as num_listeners,
      exists (select 1 from counted) as joined
    from locked`.execute(handle.db),
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { joined, ...stream } = row;
  return { stream, joined };
}

/**
 * One statement: row-locks the stream first (the order a join takes its locks in, so the two never
 * deadlock), stops counting the listener (idempotent) and releases the stream when that leaves it
 * empty. Undefined when the stream does not exist.
 */
export async function leaveStreamOnce(
  handle: DbHandle,
  input: { streamUuid: string; listenerId: string },
): Promise<{ stream: Stream; left: boolean; released: boolean } | undefined> {
  const result = await retryAborted(handle, () =>
    sql<Stream & { left: boolean; released: boolean }>`
    with locked as (
      select ${streamFields}, num_listeners from stream where uuid = ${input.streamUuid} for update
    ),
    removed as (
      delete from stream_listener
      where stream_uuid = (select uuid from locked) and listener_id = ${input.listenerId}
      returning stream_uuid
    ),
    after as (
      select l.*, l.num_listeners - (select count(*) from removed)::int as remaining from locked l
    ),
    released as (
      update stream s set active = false, ended_date = now()
      from after a where s.uuid = a.uuid and a.active and a.remaining = 0
      returning s.uuid, s.ended_date
    )
    select a.uuid, a.created_date, a.modified_date, a.stream_point_uuid, a.graph_uuid, a.shared,
      a.remaining as num_listeners,
      a.active and not exists (select 1 from released) as active,
      coalesce((select ended_date from released), a.ended_date) as ended_date,
      exists (select 1 from removed) as left,
      exists (select 1 from released) as released
    from after a`.execute(handle.db),
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { left, released, ...stream } = row;
  return { stream, left, released };
}
