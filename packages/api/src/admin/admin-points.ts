// Admin area, stream points: all of them (offline ones too) with online state, last beacon, host,
// ports, Janus URL and current stream; a stale point can be deleted.
import type { LiveStream } from '@gencaster/live';
import {
  deleteStreamPointRow,
  findActiveStreamOfPoint,
  listAdminStreamPoints,
  lockStreamPoint,
  withTransaction,
} from '@gencaster/db';
import { GencasterError, liveSince, type StreamPoint } from '@gencaster/domain';
import { requireAdmin, requireAdminWrite } from '../auth/guards.ts';
import { builder } from '../schema/builder.ts';
import { StreamPointRef, StreamRef } from '../schema/types-stream.ts';
import { AdminPageInputRef, boundPage, pageRef } from './admin-page.ts';
import { searchText } from './admin-search.ts';

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
        (await findActiveStreamOfPoint(ctx.database, row.point.uuid)) ?? null,
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
    resolve: async (_root, { filter, page }, ctx) => {
      requireAdmin(ctx);
      const bounded = boundPage(page);
      const since = liveSince(new Date(), ctx.runtime.options.liveWindowMs);
      const search = searchText(filter?.search);
      const found = await listAdminStreamPoints(
        ctx.database,
        { ...filter, search },
        since,
        bounded,
      );
      return {
        ...bounded,
        totalCount: found.totalCount,
        items: found.items.map((point) => ({
          point,
          online: point.lastLive !== null && point.lastLive > since,
        })),
      };
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
        const point = await lockStreamPoint(tx, uuid);
        if (!point) throw new GencasterError('NOT_FOUND', `stream point ${uuid} does not exist`);
        const active = await findActiveStreamOfPoint(tx, uuid);
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
        await deleteStreamPointRow(tx, uuid);
      });
      await ctx.runtime.events.streamsChanged();
      return true;
    },
  }),
}));
