import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP's recommended scrypt cost (2025): N=2^17 (128 MiB), r=8, p=1. */
const params = { N: 2 ** 17, r: 8, p: 1 } as const;
const keyLength = 64;

function derive(
  password: string,
  salt: Buffer,
  options: ScryptOptions,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { ...options, maxmem: 256 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a password with scrypt: `scrypt$N$r$p$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params, keyLength);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

/**
 * True when a stored hash was made with a lower cost than {@link hashPassword} uses today (hashes of
 * older versions keep verifying; the login rehashes them).
 */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return (
    scheme !== 'scrypt' || Number(n) < params.N || Number(r) < params.r || Number(p) < params.p
  );
}

/** True when `password` matches a hash from {@link hashPassword}; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  // A cost above today's would let a planted hash tie up a thread (and exceed maxmem).
  if (+n > params.N || +r > params.r || +p > 4) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    { N: +n, r: +r, p: +p },
    expected.length,
  );
  return expected.length > 0 && timingSafeEqual(actual, expected);
}
