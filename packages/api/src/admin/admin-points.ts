// Admin area, stream points: all of them (offline ones too) with online state, last beacon, host,
// ports, Janus URL and current stream; a stale point can be deleted.
import type { LiveStream } from '@gencaster/live';
import { withDatabaseErrors, withTransaction } from '@gencaster/db';
import { GencasterError, liveSince, type StreamPoint } from '@gencaster/domain';
import { requireAdmin, requireAdminWrite } from '../auth/guards.ts';
import { builder } from '../schema/builder.ts';
import { StreamPointRef, StreamRef } from '../schema/types-stream.ts';
import { AdminPageInputRef, boundPage, pageRef } from './admin-page.ts';
import { anyColumnContains, searchText } from './admin-search.ts';

/** A stream point with what only the admin area shows. */
interface AdminPoint {
  point: StreamPoint;
  online: boolean;
}

const AdminStreamPointRef = builder.objectRef<AdminPoint>('AdminStreamPoint').implement({
  fields: (t) => ({
    point: t.field({ type: StreamPointRef, resolve: (row) => row.point }),
    online: t.boolean({
      description: 'A beacon arrived within the liveness window.',
      resolve: (row) => row.online,
    }),
    lastLive: t.field({ type: 'DateTime', nullable: true, resolve: (row) => row.point.lastLive }),
    janusHttpUrl: t.string({ nullable: true, resolve: (row) => row.point.janusHttpUrl }),
    currentStream: t.field({
      type: StreamRef,
      nullable: true,
      resolve: async (row, _args, ctx): Promise<LiveStream | null> =>
        (await ctx.database.db
          .selectFrom('stream')
          .selectAll()
          .where('streamPointUuid', '=', row.point.uuid)
          .where('active', '=', true)
          .executeTakeFirst()) ?? null,
    }),
  }),
});

const AdminStreamPointPageRef = pageRef('AdminStreamPointPage', AdminStreamPointRef);

const AdminStreamPointFilterRef = builder.inputType('AdminStreamPointFilter', {
  fields: (t) => ({
    online: t.boolean(),
    search: t.string({ description: 'Part of the host, SuperCollider name or Janus URL.' }),
  }),
});

builder.queryFields((t) => ({
  adminStreamPoints: t.field({
    type: AdminStreamPointPageRef,
    description: 'Admins only: every stream point, online first, filtered and paged on the server.',
    args: {
      filter: t.arg({ type: AdminStreamPointFilterRef }),
      page: t.arg({ type: AdminPageInputRef }),
    },
    resolve: (_root, { filter, page }, ctx) => {
      requireAdmin(ctx);
      const bounded = boundPage(page);
      const since = liveSince(new Date(), ctx.runtime.options.liveWindowMs);
      const search = searchText(filter?.search);
      return withDatabaseErrors(async () => {
        let query = ctx.database.db.selectFrom('streamPoint');
        if (search !== undefined)
          query = query.where(anyColumnContains(['host', 'scName', 'janusHttpUrl'], search));
        if (filter?.online === true) query = query.where('lastLive', '>', since);
        if (filter?.online === false)
          query = query.where((eb) =>
            eb.or([eb('lastLive', 'is', null), eb('lastLive', '<=', since)]),
          );
        const [rows, count] = await Promise.all([
          query
            .selectAll()
            .orderBy('lastLive', (ob) => ob.desc().nullsLast())
            .orderBy('host')
            .orderBy('port')
            .limit(bounded.limit)
            .offset(bounded.offset)
            .execute(),
          query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
        ]);
        return {
          ...bounded,
          totalCount: Number(count.n),
          items: rows.map((point) => ({
            point,
            online: point.lastLive !== null && point.lastLive > since,
          })),
        };
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  adminDeleteStreamPoint: t.field({
    type: 'Boolean',
    description:
      'Admins only: deletes a stale (offline) stream point with its ended streams, instructions and logs. CONFLICT while it is online (it would announce itself again) or holds an active stream.',
    args: { uuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { uuid }, ctx) => {
      requireAdminWrite(ctx);
      const since = liveSince(new Date(), ctx.runtime.options.liveWindowMs);
      await withTransaction(ctx.database, async (tx) => {
        // The row lock keeps a concurrent claim (SKIP LOCKED) off this point until we are done.
        const point = await tx.db
          .selectFrom('streamPoint')
          .select(['uuid', 'lastLive'])
          .where('uuid', '=', uuid)
          .forUpdate()
          .executeTakeFirst();
        if (!point) throw new GencasterError('NOT_FOUND', `stream point ${uuid} does not exist`);
        const active = await tx.db
          .selectFrom('stream')
          .select('uuid')
          .where('streamPointUuid', '=', uuid)
          .where('active', '=', true)
          .executeTakeFirst();
        if (active)
          throw new GencasterError(
            'CONFLICT',
            'the stream point holds an active stream: end it first',
            {
              details: { streamUuid: active.uuid },
            },
          );
        if (point.lastLive !== null && point.lastLive > since)
          throw new GencasterError(
            'CONFLICT',
            'the stream point is online and would announce itself again: stop it first',
          );
        await tx.db.deleteFrom('streamPoint').where('uuid', '=', uuid).execute();
      });
      await ctx.runtime.events.streamsChanged();
      return true;
    },
  }),
}));
