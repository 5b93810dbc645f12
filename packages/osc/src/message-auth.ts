import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import { GencasterError } from '@gencaster/domain';
import type { OscValue } from './osc-values.ts';

/** How an accepted message was authenticated. */
export type AuthResult = 'signed' | 'unsigned';

/** Options of {@link createMessageAuthenticator}. */
export interface MessageAuthenticatorOptions {
  /** Shared secret; without one, signed messages are rejected and unsigned ones accepted. */
  secret?: string | undefined;
  /** How far `ts` may be from now, in ms (default 30 s). */
  replayWindowMs?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

/** Checks the `ts` + `hmac` pairs of key/value messages (see {@link canonicalText}). */
export interface MessageAuthenticator {
  /** Throws UNAUTHENTICATED for a bad, stale or replayed signature or a required one missing. */
  verify(address: string, record: Record<string, OscValue>, senderHost: string): AuthResult;
}

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped). */
export function isLoopback(host: string): boolean {
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return v4.startsWith('127.') || host === '::1';
}

function valueText(value: OscValue): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * The text that is signed: the address, then one `key=value` line per pair except `hmac`, sorted,
 * joined with "\n". Our SuperCollider class (GencasterHmac) builds the same text, so only integers
 * and strings should be signed (float formatting differs between sclang and JavaScript).
 */
export function canonicalText(address: string, record: Record<string, OscValue>): string {
  const lines = Object.keys(record)
    .filter((key) => key !== 'hmac')
    .map((key) => `${key}=${valueText(record[key] as OscValue)}`)
    .sort();
  return [address, ...lines].join('\n');
}

/** Hex HMAC-SHA256 of the canonical text. */
export function signatureOf(
  address: string,
  record: Record<string, OscValue>,
  secret: string,
): string {
  return createHmac('sha256', secret).update(canonicalText(address, record), 'utf8').digest('hex');
}

/** Adds `ts` (Unix seconds) and `hmac` to a key/value record, as our SuperCollider class does. */
export function signRecord(
  address: string,
  record: Record<string, OscValue>,
  secret: string,
  nowMs: number = Date.now(),
): Record<string, OscValue> {
  const withTs = { ...record, ts: String(Math.floor(nowMs / 1000)) };
  return { ...withTs, hmac: signatureOf(address, withTs, secret) };
}

/** Compares two strings in time independent of where they differ (hashes first, so lengths leak nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

const MAX_REMEMBERED = 50_000;

/**
 * Creates the HMAC check of the OSC server. With a secret, loopback senders may still send unsigned
 * messages (the local sound service), other senders must sign; a signature is accepted once, within
 * the replay window around its `ts`.
 */
export function createMessageAuthenticator(
  options: MessageAuthenticatorOptions = {},
): MessageAuthenticator {
  const { secret } = options;
  const windowMs = options.replayWindowMs ?? 30_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();

  function remember(hmac: string, at: number): void {
    for (const [key, expiry] of seen) {
      if (expiry > at && seen.size < MAX_REMEMBERED) break;
      seen.delete(key);
    }
    seen.set(hmac, at + 2 * windowMs);
  }

  return {
    verify(address, record, senderHost) {
      const hmac = record.hmac;
      if (hmac === undefined) {
        if (secret !== undefined && !isLoopback(senderHost)) {
          throw new GencasterError('UNAUTHENTICATED', `unsigned ${address} from ${senderHost}`);
        }
        return 'unsigned';
      }
      if (secret === undefined)
        throw new GencasterError('UNAUTHENTICATED', `signed ${address} but no secret configured`);
      if (typeof hmac !== 'string' || !/^[0-9a-f]{64}$/.test(hmac)) {
        throw new GencasterError('UNAUTHENTICATED', `malformed hmac in ${address}`);
      }
      const at = now();
      const ts = Number(record.ts);
      if (!Number.isFinite(ts) || Math.abs(at - ts * 1000) > windowMs) {
        throw new GencasterError(
          'UNAUTHENTICATED',
          `${address}: timestamp outside the replay window`,
        );
      }
      const expected = Buffer.from(signatureOf(address, record, secret), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(hmac, 'hex'))) {
        throw new GencasterError('UNAUTHENTICATED', `${address}: bad hmac from ${senderHost}`);
      }
      if (seen.has(hmac))
        throw new GencasterError('UNAUTHENTICATED', `${address}: replayed message`);
      remember(hmac, at);
      return 'signed';
    },
  };
}
