import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

const MAC_SPACE = 2 ** 31;
const NONCE_SPACE = 2 ** 21;

/** Janus session ids bound to one caller and one stream point (see {@link createSessionBinding}). */
export interface SessionBinding {
  /** A fresh session id for `create` (Janus accepts a client-chosen `id`). */
  issue(owner: string): number;
  /** True when `sessionId` was issued for exactly this owner. */
  owns(owner: string, sessionId: number): boolean;
}

/**
 * Binds Janus session ids to their caller without any shared state: the gateway chooses each
 * session id itself as `nonce · 2³¹ + HMAC(key, owner|nonce) mod 2³¹` (below 2⁵², exact in
 * JavaScript numbers), so every backend holding the same key — derived from the Janus API secret
 * that all backends and sound hosts share — can tell whose session an id is, also behind a
 * round-robin proxy. Another caller presenting that id fails the check (forging one for a given
 * victim id means hitting a 31-bit MAC, and the id itself is never shown to anyone else).
 * `owner` is `<caller key>|<stream point uuid>`, so a session also only works for its point.
 */
export function createSessionBinding(secret: string): SessionBinding {
  const key = createHmac('sha256', secret).update('gencaster janus gateway sessions').digest();
  const mac = (owner: string, nonce: number): number =>
    createHmac('sha256', key).update(`${owner}|${nonce}`).digest().readUInt32BE(0) % MAC_SPACE;
  return {
    issue(owner) {
      const nonce = randomInt(1, NONCE_SPACE);
      return nonce * MAC_SPACE + mac(owner, nonce);
    },
    owns(owner, sessionId) {
      if (!Number.isSafeInteger(sessionId) || sessionId < MAC_SPACE) return false;
      const nonce = Math.floor(sessionId / MAC_SPACE);
      const expected = Buffer.alloc(4);
      const given = Buffer.alloc(4);
      expected.writeUInt32BE(mac(owner, nonce));
      given.writeUInt32BE(sessionId % MAC_SPACE);
      return timingSafeEqual(expected, given);
    },
  };
}
