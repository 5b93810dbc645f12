// Query of the admin area's log view (packages/api `admin/admin-logs.ts`): every stream's and
// point's log lines, filtered, newest first, one page with the total count.
import type { LogLevel, StreamLog } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { AdminListPage, AdminPageBounds } from './admin-accounts.ts';
import { anyColumnContains } from './text-search.ts';

/** Filter of {@link listAdminLogs}; `search` is a literal substring (already checked). */
export interface AdminLogListFilter {
  search: string | undefined;
  /** This level and above. */
  minLevel?: LogLevel | null;
  streamUuid?: string | null;
  streamPointUuid?: string | null;
  /** Logs of the streams of this graph. */
  graphUuid?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** Log lines matching the filter (message or logger name contain `search`), newest first. */
export function listAdminLogs(
  handle: DbHandle,
  filter: AdminLogListFilter,
  page: AdminPageBounds,
): Promise<AdminListPage<StreamLog>> {
  return withDatabaseErrors(async () => {
    let query = handle.db.selectFrom('streamLog');
    if (filter.search !== undefined)
      query = query.where(anyColumnContains(['message', 'name'], filter.search));
    if (typeof filter.minLevel === 'number') query = query.where('level', '>=', filter.minLevel);
    if (filter.streamUuid) query = query.where('streamUuid', '=', filter.streamUuid);
    if (filter.streamPointUuid) query = query.where('streamPointUuid', '=', filter.streamPointUuid);
    if (filter.graphUuid) {
      const graphUuid = filter.graphUuid;
      query = query.where('streamUuid', 'in', (eb) =>
        eb.selectFrom('stream').select('stream.uuid').where('stream.graphUuid', '=', graphUuid),
      );
    }
    if (filter.from) query = query.where('createdDate', '>=', filter.from);
    if (filter.to) query = query.where('createdDate', '<=', filter.to);
    const [items, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('createdDate', 'desc')
        .orderBy('uuid')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, totalCount: Number(count.n) };
  });
}
