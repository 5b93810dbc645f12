// Engine leases (for several backends on one database): which backend runs the graph engine of a stream. Times come
// from the database clock (`now()`), so backends with skewed clocks still agree on expiry.
import { parseInput, uuidSchema, type Stream } from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';
import { releaseStream } from './stream-release.ts';

/** A stream's engine lease. */
export interface EngineLease {
  streamUuid: string;
  backendId: string;
  expiresAt: Date;
}

/** Input of {@link acquireEngineLease} and {@link renewEngineLease}. */
export interface EngineLeaseInput {
  streamUuid: string;
  backendId: string;
  /** Lease duration from now, in ms. */
  ttlMs: number;
}

/** Where a walk is (the node it entered last and the step count), persisted on the stream. */
export interface WalkPosition {
  nodeUuid: string;
  step: number;
  /** Cells of the node that already ran (0 when it was just entered). */
  cellsDone?: number;
}

function ttlInterval(ttlMs: number) {
  const ms = Math.max(1, Math.round(ttlMs));
  return sql<Date>`now() + ${`${ms} milliseconds`}::interval`;
}

/**
 * Takes the engine lease of a stream when it is free, expired or already ours, in one atomic
 * statement (insert, or update guarded by the primary key row): of several backends racing, exactly
 * one gets `true`. Re-acquiring our own lease extends it.
 */
export async function acquireEngineLease(
  handle: DbHandle,
  input: EngineLeaseInput,
): Promise<boolean> {
  const streamUuid = parseInput(uuidSchema, input.streamUuid);
  return withDatabaseErrors(async () => {
    const result = await sql<{ backendId: string }>`
      insert into engine_lease (stream_uuid, backend_id, acquired_date, expires_at)
      values (${streamUuid}, ${input.backendId}, now(), ${ttlInterval(input.ttlMs)})
      on conflict (stream_uuid) do update set
        backend_id = excluded.backend_id,
        acquired_date = case when engine_lease.backend_id = excluded.backend_id
          then engine_lease.acquired_date else now() end,
        expires_at = excluded.expires_at
      where engine_lease.backend_id = excluded.backend_id or engine_lease.expires_at <= now()
      returning backend_id`.execute(handle.db);
    return result.rows.length === 1;
  });
}

/** Extends our lease; `false` when it is no longer ours (another backend took it over). */
export async function renewEngineLease(
  handle: DbHandle,
  input: EngineLeaseInput,
): Promise<boolean> {
  return withDatabaseErrors(async () => {
    const result = await handle.db
      .updateTable('engineLease')
      .set({ expiresAt: ttlInterval(input.ttlMs) })
      .where('streamUuid', '=', input.streamUuid)
      .where('backendId', '=', input.backendId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  });
}

/**
 * Ends our lease now: another backend can take over at once. The engine finished or its listeners
 * left: the row is deleted. `handover` (drain): the row stays, expired, so that
 * {@link releaseOrphanedStreams} frees the stream if no listener comes back to resume the walk.
 */
export async function releaseEngineLease(
  handle: DbHandle,
  input: { streamUuid: string; backendId: string; handover?: boolean },
): Promise<void> {
  await withDatabaseErrors(async () => {
    if (input.handover === true) {
      await handle.db
        .updateTable('engineLease')
        .set({ expiresAt: sql<Date>`least(expires_at, now())` })
        .where('streamUuid', '=', input.streamUuid)
        .where('backendId', '=', input.backendId)
        .execute();
      return;
    }
    await handle.db
      .deleteFrom('engineLease')
      .where('streamUuid', '=', input.streamUuid)
      .where('backendId', '=', input.backendId)
      .execute();
  });
}

/** Hands every lease of a backend over (graceful drain: rows stay, expired); returns how many. */
export async function releaseBackendLeases(handle: DbHandle, backendId: string): Promise<number> {
  return withDatabaseErrors(async () => {
    const result = await handle.db
      .updateTable('engineLease')
      .set({ expiresAt: sql<Date>`least(expires_at, now())` })
      .where('backendId', '=', backendId)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/**
 * Hands over every lease in the database (a single backend starting after a crash: no other
 * backend runs engines, so returning listeners may resume at once). Returns how many.
 */
export async function releaseAllEngineLeases(handle: DbHandle): Promise<number> {
  return withDatabaseErrors(async () => {
    const result = await handle.db
      .updateTable('engineLease')
      .set({ expiresAt: sql<Date>`least(expires_at, now())` })
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/** The lease of a stream (also an expired one), or undefined. */
export async function getEngineLease(
  handle: DbHandle,
  streamUuid: string,
): Promise<EngineLease | undefined> {
  const id = parseInput(uuidSchema, streamUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('engineLease')
      .select(['streamUuid', 'backendId', 'expiresAt'])
      .where('streamUuid', '=', id)
      .executeTakeFirst(),
  );
}

/** Persists the walk position of a stream (called on every node entry). */
export async function saveWalkPosition(
  handle: DbHandle,
  streamUuid: string,
  position: WalkPosition,
): Promise<void> {
  await withDatabaseErrors(() =>
    handle.db
      .updateTable('stream')
      .set({
        walkNodeUuid: position.nodeUuid,
        walkStep: position.step,
        walkCellsDone: position.cellsDone ?? 0,
      })
      .where('uuid', '=', streamUuid)
      .execute(),
  );
}

/** The persisted walk position of a stream; null before its first node (or after a node delete). */
export async function loadWalkPosition(
  handle: DbHandle,
  streamUuid: string,
): Promise<WalkPosition | null> {
  const row = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('stream')
      .select(['walkNodeUuid', 'walkStep', 'walkCellsDone'])
      .where('uuid', '=', streamUuid)
      .executeTakeFirst(),
  );
  if (!row?.walkNodeUuid) return null;
  return { nodeUuid: row.walkNodeUuid, step: row.walkStep, cellsDone: row.walkCellsDone };
}

/**
 * Releases active streams whose engine lease expired more than `graceMs` ago: their backend died
 * or drained and no listener came back to resume the walk, so the stream point becomes free.
 * Safe with several backends; run it periodically. Returns the released streams.
 */
export async function releaseOrphanedStreams(
  handle: DbHandle,
  options: { graceMs: number },
): Promise<Stream[]> {
  return withTransaction(handle, async (tx) => {
    const orphans = await tx.db
      .selectFrom('stream as s')
      .innerJoin('engineLease as l', 'l.streamUuid', 's.uuid')
      .select('s.uuid')
      .where('s.active', '=', true)
      .where(
        'l.expiresAt',
        '<',
        sql<Date>`now() - ${`${Math.round(options.graceMs)} milliseconds`}::interval`,
      )
      .forUpdate()
      .skipLocked()
      .execute();
    const released: Stream[] = [];
    for (const { uuid } of orphans) released.push(await releaseStream(tx, uuid));
    return released;
  });
}
