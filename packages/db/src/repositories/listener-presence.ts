import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { leaveStream } from './streams.ts';

/** Listeners stamped per statement (one array parameter each). */
const stampBatch = 250;

/**
 * Stamps the listeners a backend holds as present now: one statement per {@link stampBatch}
 * listeners, each taking the ids as one array parameter. Small batches because the embedded
 * PGlite runs each statement on the server's own thread: 10,000 listeners in one go held the event
 * loop (and `/health`) for ~0.7 s; in small batches other requests get in between.
 */
export async function touchListeners(handle: DbHandle, listenerIds: readonly string[]) {
  const ids = [...new Set(listenerIds)];
  await withDatabaseErrors(async () => {
    for (let i = 0; i < ids.length; i += stampBatch) {
      if (i > 0) await new Promise((next) => setImmediate(next));
      await sql`INSERT INTO listener_presence (listener_id)
        SELECT unnest(${ids.slice(i, i + stampBatch)}::varchar[])
        ON CONFLICT (listener_id) DO UPDATE SET seen_at = now()`.execute(handle.db);
    }
  });
}

/** A listener row dropped by {@link dropSilentListeners}. */
export interface DroppedListener {
  streamUuid: string;
  listenerId: string;
  /** The stream ended because this was its last listener. */
  released: boolean;
}

/**
 * Removes the listener rows nobody stamped for `silentMs` (counted from the later of the last stamp
 * and the join):
 * their backend died and the listener did not resume elsewhere. Each leaves like a listener that
 * closed its page (counted once; the stream ends with its last listener). Safe with several
 * backends. Also forgets presence stamps of listeners that hold no stream any more.
 */
export async function dropSilentListeners(
  handle: DbHandle,
  options: { silentMs: number },
): Promise<DroppedListener[]> {
  const cutoff = sql<Date>`now() - ${`${Math.round(options.silentMs)} milliseconds`}::interval`;
  const silent = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('streamListener as l')
      .leftJoin('listenerPresence as p', 'p.listenerId', 'l.listenerId')
      .select(['l.streamUuid', 'l.listenerId'])
      .where(sql<boolean>`greatest(p.seen_at, l.joined_date) < ${cutoff}`)
      .limit(1000)
      .execute(),
  );
  const dropped: DroppedListener[] = [];
  for (const row of silent) {
    const result = await leaveStream(handle, row);
    if (result.left) dropped.push({ ...row, released: result.released });
  }
  await withDatabaseErrors(() =>
    handle.db
      .deleteFrom('listenerPresence')
      .where('seenAt', '<', cutoff)
      .where('listenerId', 'not in', handle.db.selectFrom('streamListener').select('listenerId'))
      .execute(),
  );
  return dropped;
}
