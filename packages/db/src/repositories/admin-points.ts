// Queries of the admin area's stream points (packages/api `admin/admin-points.ts`): every point,
// online first, the active stream of a point and the delete of a stale point.
import type { Stream, StreamPoint } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { AdminListPage, AdminPageBounds } from './admin-accounts.ts';
import { anyColumnContains } from './text-search.ts';

/** Filter of {@link listAdminStreamPoints}; `search` is a literal substring (already checked). */
export interface AdminStreamPointListFilter {
  search: string | undefined;
  /** True: a beacon arrived after `since`; false: none did. */
  online?: boolean | null;
}

/** Stream points matching the filter, most recent beacon first (never-seen points last). */
export function listAdminStreamPoints(
  handle: DbHandle,
  filter: AdminStreamPointListFilter,
  since: Date,
  page: AdminPageBounds,
): Promise<AdminListPage<StreamPoint>> {
  return withDatabaseErrors(async () => {
    let query = handle.db.selectFrom('streamPoint');
    if (filter.search !== undefined)
      query = query.where(anyColumnContains(['host', 'scName', 'janusHttpUrl'], filter.search));
    if (filter.online === true) query = query.where('lastLive', '>', since);
    if (filter.online === false)
      query = query.where((eb) => eb.or([eb('lastLive', 'is', null), eb('lastLive', '<=', since)]));
    const [items, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('lastLive', (ob) => ob.desc().nullsLast())
        .orderBy('host')
        .orderBy('port')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, totalCount: Number(count.n) };
  });
}

/** The active stream on a point, or undefined. */
export function findActiveStreamOfPoint(
  handle: DbHandle,
  pointUuid: string,
): Promise<Stream | undefined> {
  return handle.db
    .selectFrom('stream')
    .selectAll()
    .where('streamPointUuid', '=', pointUuid)
    .where('active', '=', true)
    .executeTakeFirst();
}

/**
 * The point's uuid and last beacon, its row locked until the caller's transaction ends (so a
 * concurrent claim, which skips locked points, keeps off it); undefined when it does not exist.
 */
export function lockStreamPoint(
  tx: DbHandle,
  pointUuid: string,
): Promise<{ uuid: string; lastLive: Date | null } | undefined> {
  return tx.db
    .selectFrom('streamPoint')
    .select(['uuid', 'lastLive'])
    .where('uuid', '=', pointUuid)
    .forUpdate()
    .executeTakeFirst();
}

/** Deletes a stream point row (its ended streams, instructions and logs cascade). */
export async function deleteStreamPointRow(tx: DbHandle, pointUuid: string): Promise<void> {
  await tx.db.deleteFrom('streamPoint').where('uuid', '=', pointUuid).execute();
}
