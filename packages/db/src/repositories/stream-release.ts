import {
  liveSince,
  parseInput,
  STREAM_POINT_LIVE_WINDOW_MS,
  uuidSchema,
  type Stream,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';
import { lockStream, markReleased, readStream } from './stream-rows.ts';

/** Releases a stream now (listeners are dropped, its point becomes free). Idempotent. */
export async function releaseStream(handle: DbHandle, uuid: string): Promise<Stream> {
  const id = parseInput(uuidSchema, uuid);
  return withTransaction(handle, async (tx) => {
    await lockStream(tx, id);
    await tx.db.deleteFrom('streamListener').where('streamUuid', '=', id).execute();
    await markReleased(tx, id);
    return readStream(tx, id);
  });
}

/**
 * Releases every active stream whose stream point has gone silent (no beacon within the window):
 * its audio is gone, so its listeners are dropped and the stream ends. Safe with several backends;
 * run it periodically. Returns the released streams.
 */
export async function releaseStaleStreams(
  handle: DbHandle,
  options: { now?: Date; windowMs?: number } = {},
): Promise<Stream[]> {
  const now = options.now ?? new Date();
  const since = liveSince(now, options.windowMs ?? STREAM_POINT_LIVE_WINDOW_MS);
  return withTransaction(handle, async (tx) => {
    const stale = await tx.db
      .selectFrom('stream as s')
      .innerJoin('streamPoint as p', 'p.uuid', 's.streamPointUuid')
      .select('s.uuid')
      .where('s.active', '=', true)
      .where((eb) => eb.or([eb('p.lastLive', 'is', null), eb('p.lastLive', '<=', since)]))
      .forUpdate()
      .execute();
    const released: Stream[] = [];
    for (const { uuid } of stale) released.push(await releaseStream(tx, uuid));
    return released;
  });
}
