import {
  createSession,
  deleteSession,
  resolveSession,
  verifyUserCredentials,
  type DbHandle,
} from '@gencaster/db';
import { GencasterError, isGencasterError, type User } from '@gencaster/domain';

/** How long a browser login session (the cookie) lasts. */
const sessionTtlMs = 14 * 24 * 3_600_000;

/** Checks a password (scrypt); null for unknown user, wrong password or inactive account. */
export async function verifyLogin(
  handle: DbHandle,
  username: string,
  password: string,
): Promise<User | null> {
  try {
    return (await verifyUserCredentials(handle, { username, password })) ?? null;
  } catch (error) {
    if (isGencasterError(error, 'INVALID_INPUT')) return null;
    throw error;
  }
}

/** A browser login session (cookie) of this user; it always expires. */
export async function createLoginSession(
  handle: DbHandle,
  userUuid: string,
): Promise<{ token: string; expiresAt: Date }> {
  const created = await createSession(handle, { userUuid, kind: 'session', ttlMs: sessionTtlMs });
  const expiresAt = created.session.expiresDate;
  if (expiresAt === null) throw new GencasterError('INTERNAL', 'a login session must expire');
  return { token: created.token, expiresAt };
}

/** The active user of a session or API token (both are bearer secrets, stored hashed). */
export async function userForToken(
  handle: DbHandle,
  token: string,
): Promise<{ user: User; kind: string } | null> {
  const resolved = await resolveSession(handle, token);
  return resolved ? { user: resolved.user, kind: resolved.session.kind } : null;
}

/** Ends a login session (logout). */
export async function endLoginSession(handle: DbHandle, token: string): Promise<void> {
  await deleteSession(handle, token);
}
