// Admin area, logs: one view across every stream and point with a text search (literal substring
// of message or logger name) and filters by level, stream, point, graph and time; newest first,
// paged on the server.
import { listAdminLogs } from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { requireAdmin } from '../auth/guards.ts';
import { builder } from '../schema/builder.ts';
import { LogLevelEnum } from '../schema/enums.ts';
import { StreamLogRef } from '../schema/types-stream.ts';
import { AdminPageInputRef, boundPage, pageRef } from './admin-page.ts';
import { searchText } from './admin-search.ts';

const AdminLogPageRef = pageRef('AdminLogPage', StreamLogRef);

const AdminLogFilterRef = builder.inputType('AdminLogFilter', {
  fields: (t) => ({
    search: t.string({
      description: 'Literal text in the message or logger name (case-insensitive; no patterns).',
    }),
    minLevel: t.field({ type: LogLevelEnum, description: 'This level and above.' }),
    streamUuid: t.field({ type: 'UUID' }),
    streamPointUuid: t.field({ type: 'UUID' }),
    graphUuid: t.field({ type: 'UUID', description: 'Logs of the streams of this graph.' }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  adminLogs: t.field({
    type: AdminLogPageRef,
    description:
      'Admins only: log lines of every stream and point, newest first, filtered and paged.',
    args: {
      filter: t.arg({ type: AdminLogFilterRef }),
      page: t.arg({ type: AdminPageInputRef }),
    },
    resolve: async (_root, { filter, page }, ctx) => {
      requireAdmin(ctx);
      const bounded = boundPage(page);
      const search = searchText(filter?.search);
      if (filter?.from && filter.to && filter.from > filter.to)
        throw new GencasterError('INVALID_INPUT', '"from" is after "to"');
      const found = await listAdminLogs(ctx.database, { ...filter, search }, bounded);
      return { ...bounded, ...found };
    },
  }),
}));
