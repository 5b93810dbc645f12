import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Viewer } from '@gencaster/api';
import { listenerIdOf, WATCH_TICKET_PREFIX, type WatchTickets } from '@gencaster/live';
import {
  findListenerActivePointUuid,
  findStreamPoint,
  listListenablePoints,
  type Database,
} from '@gencaster/db';
import { GencasterError, STREAM_POINT_LIVE_WINDOW_MS, type StreamPoint } from '@gencaster/domain';
import { janusMountCredentials } from '@gencaster/sound';
import type { JanusGrant } from './janus-request-policy.ts';

/** A caller the gateway knows, with the stream point its request is for. */
export interface JanusCaller {
  grant: JanusGrant;
  point: StreamPoint;
  /**
   * Counts one new Janus session of this caller (called for `create` only); throws RATE_LIMITED
   * when its budget is spent. Only watch tickets have one.
   */
  takeSession?: () => void;
}

/** Options of {@link createJanusCallers}. */
export interface JanusCallersOptions {
  database: Database;
  /** The editor/admin of a plain HTTP request (cookie with a same-origin Origin, or bearer). */
  viewerOf: (request: IncomingMessage) => Promise<Viewer | null>;
  /** Key of the mountpoint/room pins (`mountKey` of janus-secrets.json); undefined: no pins. */
  mountKey: () => string | undefined;
  /** How long a listener lookup is reused (default 2000 ms). */
  cacheMs?: number;
  /**
   * Called for a listener that uses the gateway for its own stream: it is listening, so its
   * session keeps the full reconnect grace when its socket drops (not the short grace of a
   * session that never started).
   */
  onListenerActive?: (listenerToken: string) => void;
  /**
   * Checks the watch tickets of `liveCodingPoint` (anonymous visitors of the live-coding page).
   * Without it a ticket is refused like an unknown listener token.
   */
  watchTickets?: WatchTickets;
  /** A point is live (and listenable) when its last beacon is at most this old (default 60 s). */
  liveWindowMs?: number;
  /** Janus sessions one watch ticket may open (default 3: a page and its reconnects). */
  sessionsPerTicket?: number;
}

/** Resolves who calls the Janus gateway and which point's mountpoint/room it may use. */
export interface JanusCallers {
  /**
   * `token`: the listener token sent as Janus `token` (body, or `?token=` on the long poll).
   * `pathPoint`: the point of `/janus/point/<uuid>/`, null on plain `/janus`.
   */
  resolve(input: {
    request: IncomingMessage;
    token: string | undefined;
    pathPoint: string | null;
  }): Promise<JanusCaller>;
}

/**
 * How the gateway knows "this caller holds stream point X", chosen to work on every backend of a
 * cluster with no extra state: a **listener** sends its listener token (the secret it got with
 * StreamInfo) as the Janus `token`; the gateway hashes it to the listener id and looks up, in the
 * shared database, the active stream that listener is in and that stream's point (cached ~2 s, so
 * leaving the stream ends the access). Its `/janus/point/<uuid>/` must name that point. An
 * **editor** (bearer token or session cookie, same checks as GraphQL) may use any known point's
 * mountpoint and room, as the play panel and the points view do; it must name the point in the path.
 * An **anonymous visitor** of the live-coding page sends the watch ticket `liveCodingPoint` gave it
 * (`wt1.…`, signed, short-lived): it may watch that one point's mountpoint with the streaming
 * plugin — never the audiobridge room — while the point stays listenable (live, with a mountpoint,
 * no personal listener stream on it; re-checked like the listener lookup, cached ~2 s), opening at
 * most `sessionsPerTicket` Janus sessions, and new ones only until the ticket expires.
 */
export function createJanusCallers(options: JanusCallersOptions): JanusCallers {
  const cacheMs = options.cacheMs ?? 2000;
  const cache = new Map<string, { until: number; point: StreamPoint | undefined }>();

  const grantFor = (callerKey: string, point: StreamPoint): JanusCaller => {
    const key = options.mountKey();
    const pin = (room: number) => (key ? janusMountCredentials(key, room).pin : '');
    const out = point.janusOutRoom;
    const room = point.useInput ? point.janusInRoom : null;
    return {
      point,
      grant: {
        callerKey,
        pointUuid: point.uuid,
        mountpoint: out === null ? null : { id: out, pin: pin(out) },
        room: room === null ? null : { id: room, pin: pin(room) },
      },
    };
  };

  const windowMs = options.liveWindowMs ?? STREAM_POINT_LIVE_WINDOW_MS;
  const sessionsPerTicket = options.sessionsPerTicket ?? 3;
  const listenable = new Map<string, { until: number; point: StreamPoint | undefined }>();
  const ticketSessions = new Map<string, { count: number; until: number }>();

  const listenablePoint = async (uuid: string): Promise<StreamPoint | undefined> => {
    const hit = listenable.get(uuid);
    if (hit && hit.until > Date.now()) return hit.point;
    const [point] = await listListenablePoints(options.database, { uuid, windowMs });
    if (listenable.size > 10_000) listenable.clear();
    listenable.set(uuid, { until: Date.now() + cacheMs, point });
    return point;
  };

  const takeTicketSession = (callerKey: string, until: number) => {
    const now = Date.now();
    if (ticketSessions.size > 50_000)
      for (const [key, entry] of ticketSessions) if (entry.until <= now) ticketSessions.delete(key);
    const entry = ticketSessions.get(callerKey);
    if (!entry || entry.until <= now) {
      ticketSessions.set(callerKey, { count: 1, until });
      return;
    }
    if (entry.count >= sessionsPerTicket)
      throw new GencasterError(
        'RATE_LIMITED',
        `Janus gateway: a watch ticket opens at most ${sessionsPerTicket} Janus sessions`,
      );
    entry.count += 1;
  };

  const ticketCaller = async (token: string, pathPoint: string | null): Promise<JanusCaller> => {
    if (!options.watchTickets)
      throw new GencasterError(
        'UNAUTHENTICATED',
        'Janus gateway: watch tickets are not accepted here',
      );
    const ticket = options.watchTickets.read(token);
    if (pathPoint !== null && pathPoint !== ticket.pointUuid)
      throw new GencasterError(
        'FORBIDDEN',
        'Janus gateway: a watch ticket is only for the stream point it was given for',
      );
    const callerKey = `ticket:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    const point = await listenablePoint(ticket.pointUuid);
    if (!point) {
      // Taken by a personal listener or gone silent: only tearing down its own sessions is left.
      const named = await findStreamPoint(options.database, ticket.pointUuid);
      if (!named)
        throw new GencasterError('NOT_FOUND', 'Janus gateway: this stream point is unknown');
      const ended = grantFor(callerKey, named);
      return {
        ...ended,
        grant: {
          ...ended.grant,
          mountpoint: null,
          room: null,
          watchOnly: true,
          teardownOnly: true,
        },
      };
    }
    const granted = grantFor(callerKey, point);
    return {
      point,
      grant: {
        ...granted.grant,
        room: null,
        watchOnly: true,
        ...(ticket.expired ? { expired: true } : {}),
      },
      takeSession: () => takeTicketSession(callerKey, ticket.expiresAt.getTime()),
    };
  };

  const listenerPoint = async (listenerId: string): Promise<StreamPoint | undefined> => {
    const hit = cache.get(listenerId);
    if (hit && hit.until > Date.now()) return hit.point;
    const pointUuid = await findListenerActivePointUuid(options.database, listenerId);
    const point =
      pointUuid === undefined ? undefined : await findStreamPoint(options.database, pointUuid);
    if (cache.size > 50_000) cache.clear();
    cache.set(listenerId, { until: Date.now() + cacheMs, point });
    return point;
  };

  return {
    async resolve({ request, token, pathPoint }) {
      if (token?.startsWith(WATCH_TICKET_PREFIX)) return ticketCaller(token, pathPoint);
      if (token !== undefined && token !== '') {
        if (token.length > 200)
          throw new GencasterError('UNAUTHENTICATED', 'Janus gateway: invalid listener token');
        const listenerId = listenerIdOf(token);
        const point = await listenerPoint(listenerId);
        if (!point) {
          // Its stream ended: only tearing down its own sessions on the named point is left.
          const named =
            pathPoint === null ? undefined : await findStreamPoint(options.database, pathPoint);
          if (!named)
            throw new GencasterError(
              'UNAUTHENTICATED',
              'Janus gateway: this listener token holds no stream (open the stream first)',
            );
          const ended = grantFor(`listener:${listenerId}`, named);
          return {
            ...ended,
            grant: { ...ended.grant, mountpoint: null, room: null, teardownOnly: true },
          };
        }
        if (pathPoint !== null && pathPoint !== point.uuid)
          throw new GencasterError(
            'FORBIDDEN',
            'Janus gateway: only the Janus of your own stream point can be used',
          );
        options.onListenerActive?.(token);
        return grantFor(`listener:${listenerId}`, point);
      }
      const viewer = await options.viewerOf(request);
      if (!viewer)
        throw new GencasterError(
          'UNAUTHENTICATED',
          'Janus gateway: send your listener token as the Janus token (or sign in as an editor)',
        );
      if (pathPoint === null)
        throw new GencasterError(
          'INVALID_INPUT',
          'Janus gateway: editors use /janus/point/<stream point uuid>/',
        );
      const point = await findStreamPoint(options.database, pathPoint);
      if (!point)
        throw new GencasterError(
          'NOT_FOUND',
          `Janus gateway: stream point ${pathPoint} is unknown`,
        );
      return grantFor(`editor:${viewer.uuid}`, point);
    },
  };
}
