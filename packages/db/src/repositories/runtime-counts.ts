// Counts across all backends sharing the database, for the backend's /metrics gauges.
import type { DbHandle } from '../database.ts';

/** Listeners on active streams. */
export async function countActiveListeners(handle: DbHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('stream')
    .select((eb) => eb.fn.sum<string | number | null>('numListeners').as('n'))
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}

/** Active streams. */
export async function countActiveStreams(handle: DbHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('stream')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Known stream points, and how many of them beaconed after `since`. */
export async function countStreamPointsByLiveness(
  handle: DbHandle,
  since: Date,
): Promise<{ total: number; online: number }> {
  const row = await handle.db
    .selectFrom('streamPoint')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.count(eb.case().when('lastLive', '>', since).then(1).end()).as('online'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), online: Number(row.online) };
}
