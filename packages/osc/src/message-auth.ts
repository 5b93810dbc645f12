import { createHmac, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GencasterError } from '@gencaster/domain';
import type { OscValue } from './osc-values.ts';
import { createMemoryReplayGuard, type ReplayGuard } from './replay-guard.ts';

/** How an accepted message was authenticated. */
export type AuthResult = 'signed' | 'unsigned';

/** Options of {@link createMessageAuthenticator}. */
export interface MessageAuthenticatorOptions {
  /**
   * Shared secret. With one, every sender must sign, loopback included (a local process is no more
   * trusted than a LAN neighbour). Without one, signed messages are rejected and unsigned accepted.
   */
  secret?: string | undefined;
  /** How far `ts` may be from now, in ms (default 30 s). */
  replayWindowMs?: number;
  /** Where accepted signatures are remembered (default: this process's memory). */
  replayGuard?: ReplayGuard;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

/** Per-call options of {@link MessageAuthenticator.verify}. */
export interface VerifyOptions {
  /**
   * Accept an unsigned message even when a secret exists and return 'unsigned': only for
   * `/remote/action`, whose plain password (original live-coding clients) the caller then checks.
   */
  allowUnsigned?: boolean;
}

/** Checks the `ts` + `nonce` + `hmac` pairs of key/value messages (see {@link canonicalText}). */
export interface MessageAuthenticator {
  /** Rejects UNAUTHENTICATED for a bad, stale or replayed signature or a required one missing. */
  verify(
    address: string,
    record: Record<string, OscValue>,
    senderHost: string,
    options?: VerifyOptions,
  ): Promise<AuthResult>;
  /** True when a secret is configured (every sender must sign). */
  readonly requiresSignature: boolean;
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

/**
 * The text that is signed for a positional message (`/instruction`, `/variable`,
 * `/gencaster/quit` to sclang): the address, then per argument "\n<UTF-8 byte length>:<text>"
 * (length-prefixed, so no two argument lists give the same text). GencasterHmac builds the same.
 */
export function positionalCanonicalText(address: string, fields: readonly string[]): string {
  return address + fields.map((field) => `\n${Buffer.byteLength(field, 'utf8')}:${field}`).join('');
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Hex HMAC-SHA256 of the canonical text. */
export function signatureOf(
  address: string,
  record: Record<string, OscValue>,
  secret: string,
): string {
  return hmacHex(secret, canonicalText(address, record));
}

/** A fresh random nonce: two equal messages signed in the same second still differ. */
export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

/** Adds `ts` (Unix seconds), `nonce` and `hmac` to a key/value record, as our SuperCollider class does. */
export function signRecord(
  address: string,
  record: Record<string, OscValue>,
  secret: string,
  nowMs: number = Date.now(),
): Record<string, OscValue> {
  const withTs = { ...record, ts: String(Math.floor(nowMs / 1000)), nonce: newNonce() };
  return { ...withTs, hmac: signatureOf(address, withTs, secret) };
}

/**
 * Signs a positional message for sclang: returns the three arguments to append to `fields` — ts
 * (Unix seconds), nonce and hmac. Booleans are signed as "true"/"false" (sclang's `asString`).
 * GencasterServer checks the time window and refuses a nonce it has seen.
 */
export function signatureTrailer(
  address: string,
  fields: readonly (string | boolean)[],
  secret: string,
  nowMs: number = Date.now(),
): [ts: string, nonce: string, hmac: string] {
  const ts = String(Math.floor(nowMs / 1000));
  const nonce = newNonce();
  const text = positionalCanonicalText(address, [...fields.map(String), ts, nonce]);
  return [ts, nonce, hmacHex(secret, text)];
}

/** Compares two strings in time independent of where they differ (hashes first, so lengths leak nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Creates the HMAC check of the OSC server. With a secret every message must be signed, whatever
 * its sender (loopback included); a signature is accepted once (see {@link ReplayGuard}), within
 * the replay window around its `ts`. The cheap checks (format, time) come before the HMAC and the
 * replay lookup.
 */
export function createMessageAuthenticator(
  options: MessageAuthenticatorOptions = {},
): MessageAuthenticator {
  const { secret } = options;
  const windowMs = options.replayWindowMs ?? 30_000;
  const now = options.now ?? Date.now;
  const guard = options.replayGuard ?? createMemoryReplayGuard({ now });

  return {
    requiresSignature: secret !== undefined,
    async verify(address, record, senderHost, verifyOptions = {}) {
      const hmac = record.hmac;
      if (hmac === undefined) {
        if (secret !== undefined && !verifyOptions.allowUnsigned) {
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
      if (!(await guard.claim(hmac, 2 * windowMs)))
        throw new GencasterError(
          'UNAUTHENTICATED',
          `${address}: replayed message from ${senderHost}`,
        );
      return 'signed';
    },
  };
}
