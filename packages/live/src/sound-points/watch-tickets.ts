import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GencasterError } from '@gencaster/domain';

/** Every watch ticket starts with this, so the Janus gateway tells it from a listener token. */
export const WATCH_TICKET_PREFIX = 'wt1.';

/** A signed permission to watch one stream point's mountpoint through the Janus gateway. */
export interface WatchTicket {
  /** The ticket itself, sent by the page as its Janus `token`. */
  ticket: string;
  pointUuid: string;
  /** Until when the ticket opens new Janus sessions and watches. */
  expiresAt: Date;
}

/** What the gateway learns from an authentic ticket. */
export interface ReadWatchTicket {
  pointUuid: string;
  expiresAt: Date;
  /** Past its expiry: it may keep the sessions it opened, but opens nothing new. */
  expired: boolean;
}

/** Issues and checks watch tickets (see {@link createWatchTickets}). */
export interface WatchTickets {
  /** A fresh ticket for this point, valid for the configured time. */
  issue(pointUuid: string): WatchTicket;
  /** Checks a ticket's signature (constant time); UNAUTHENTICATED when malformed or forged. */
  read(ticket: string): ReadWatchTicket;
}

/** Options of {@link createWatchTickets}. */
export interface WatchTicketsOptions {
  /**
   * The secret the signing key is derived from: the Janus API secret, which every backend and
   * sound host of a deployment shares (a ticket issued by one backend works on all). When it
   * gives undefined (no Janus configured yet), a random key of this process is used.
   */
  secret: () => string | undefined;
  /** How long a ticket opens sessions (default 60 s). */
  ttlMs?: number;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXPIRY = /^[1-9][0-9]{0,15}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/** The signing key of watch tickets for a secret (also what tests use to build expired tickets). */
export function watchTicketKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('gencaster janus watch tickets').digest();
}

/** The ticket for a point and expiry (milliseconds since the epoch), signed with `key`. */
export function signWatchTicket(key: Buffer, pointUuid: string, expiresAtMs: number): string {
  const body = `${WATCH_TICKET_PREFIX}${pointUuid}.${expiresAtMs}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/**
 * Short-lived watch tickets for anonymous visitors of the live-coding page, without shared state:
 * `wt1.<point uuid>.<expiry ms>.<HMAC-SHA256>`, the HMAC keyed by a key derived from the Janus API
 * secret ({@link watchTicketKey}) — which never leaves the backend — and checked in constant time.
 * A ticket names exactly one point; the gateway still re-checks that the point may be listened to,
 * so a ticket is no way around a point that a personal listener took meanwhile.
 *
 * @example
 * const tickets = createWatchTickets({ secret: () => janusApiSecret });
 * const { ticket } = tickets.issue(point.uuid); // the page sends it as the Janus token
 * tickets.read(ticket).pointUuid; // the gateway: which point, and whether it expired
 */
export function createWatchTickets(options: WatchTicketsOptions): WatchTickets {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const fallback = randomBytes(32).toString('base64url');
  let derived: { secret: string; key: Buffer } | undefined;
  const key = (): Buffer => {
    const secret = options.secret() ?? fallback;
    if (derived?.secret !== secret) derived = { secret, key: watchTicketKey(secret) };
    return derived.key;
  };
  const forged = () =>
    new GencasterError('UNAUTHENTICATED', 'Janus gateway: this watch ticket is not valid');
  return {
    issue(pointUuid) {
      const uuid = pointUuid.toLowerCase();
      if (!UUID.test(uuid)) throw new GencasterError('INVALID_INPUT', 'not a stream point uuid');
      const expiresAtMs = now() + ttlMs;
      return {
        ticket: signWatchTicket(key(), uuid, expiresAtMs),
        pointUuid: uuid,
        expiresAt: new Date(expiresAtMs),
      };
    },
    read(ticket) {
      if (ticket.length > 200 || !ticket.startsWith(WATCH_TICKET_PREFIX)) throw forged();
      const [uuid = '', expiry = '', mac = '', ...rest] = ticket
        .slice(WATCH_TICKET_PREFIX.length)
        .split('.');
      if (rest.length > 0 || !UUID.test(uuid) || !EXPIRY.test(expiry) || !MAC.test(mac))
        throw forged();
      const expected = Buffer.from(signWatchTicket(key(), uuid, Number(expiry)));
      const given = Buffer.from(ticket);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw forged();
      const expiresAt = new Date(Number(expiry));
      return { pointUuid: uuid, expiresAt, expired: expiresAt.getTime() <= now() };
    },
  };
}
