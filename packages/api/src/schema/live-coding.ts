import { randomInt } from 'node:crypto';
import { listListenablePoints } from '@gencaster/db';
import { GencasterError, type StreamPoint } from '@gencaster/domain';
import type { WatchTicket } from '@gencaster/live';
import { builder } from './builder.ts';

/** A point of `liveCodingPoint` with the ticket that lets its visitor watch it. */
interface LiveCodingPointShape {
  point: StreamPoint;
  ticket: WatchTicket;
}

const LiveCodingPointRef = builder.objectRef<LiveCodingPointShape>('LiveCodingPoint').implement({
  description:
    'A live stream point any visitor may listen to (the live-coding page), with a short-lived watch ticket for the Janus gateway. Only what playing needs: no host, port, secret, pin or code.',
  fields: (t) => ({
    uuid: t.field({
      type: 'UUID',
      description: 'The point; the page watches it through `/janus/point/<uuid>/`.',
      resolve: ({ point }) => point.uuid,
    }),
    janusOutRoom: t.int({
      description: 'Id of the Janus streaming mountpoint to watch.',
      resolve: ({ point }) => point.janusOutRoom ?? 0,
    }),
    lastLive: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: ({ point }) => point.lastLive,
    }),
    watchTicket: t.string({
      description:
        'Send it as the Janus `token`: it lets this caller watch this point (streaming plugin only, never the microphone room) until `watchTicketExpiresAt`; sessions opened before then go on while the point stays listenable.',
      resolve: ({ ticket }) => ticket.ticket,
    }),
    watchTicketExpiresAt: t.field({
      type: 'DateTime',
      resolve: ({ ticket }) => ticket.expiresAt,
    }),
  }),
});

builder.queryFields((t) => ({
  liveCodingPoint: t.field({
    type: LiveCodingPointRef,
    nullable: true,
    description:
      'New: a live stream point anyone may listen to, for the live-coding page: a free point (where live coders perform) or one carrying the shared stream of a ONE_GRAPH_ONE_STREAM graph, never one carrying a personal listener stream. `keep` returns that point again (with a fresh ticket) while it stays listenable; otherwise one is chosen at random. Null when none is live. Anonymous callers allowed; RATE_LIMITED per client address.',
    args: { keep: t.arg({ type: 'UUID' }) },
    resolve: async (_root, { keep }, ctx) => {
      await ctx.runtime.liveCodingPoints.take(ctx.clientIp);
      const tickets = ctx.runtime.services.watchTickets;
      if (!tickets)
        throw new GencasterError('UNAVAILABLE', 'live-coding listening is not set up here');
      const points = await listListenablePoints(ctx.database, {
        windowMs: ctx.runtime.options.liveWindowMs,
      });
      const wanted = keep?.toLowerCase();
      const chosen =
        points.find((point) => point.uuid === wanted) ??
        (points.length > 0 ? points[randomInt(points.length)] : undefined);
      return chosen ? { point: chosen, ticket: tickets.issue(chosen.uuid) } : null;
    },
  }),
}));
