import { createHash, randomBytes } from 'node:crypto';
import {
  createSessionSchema,
  parseInput,
  type CreateSessionInput,
  type Session,
  type User,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { userColumns } from './users.ts';

const sessionColumns = ['uuid', 'createdDate', 'userUuid', 'kind', 'name', 'expiresDate'] as const;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new session: the secret `token` (shown once, never stored) and the stored row. */
export interface CreatedSession {
  token: string;
  session: Session;
}

/**
 * Creates a login session or API token for a user. Only the SHA-256 of the random 256-bit token is
 * stored. NOT_FOUND for a missing user.
 */
export async function createSession(
  handle: DbHandle,
  request: CreateSessionInput,
): Promise<CreatedSession> {
  const input = parseInput(createSessionSchema, request);
  const now = input.now ?? new Date();
  const token = randomBytes(32).toString('base64url');
  const expiresDate = input.ttlMs === null ? null : new Date(now.getTime() + input.ttlMs);
  const session = await withDatabaseErrors(() =>
    handle.db
      .insertInto('userSession')
      .values({
        userUuid: input.userUuid,
        kind: input.kind,
        name: input.name,
        tokenHash: hashToken(token),
        expiresDate,
        createdDate: now,
      })
      .returning(sessionColumns)
      .executeTakeFirstOrThrow(),
  );
  return { token, session };
}

/** The session and active user of a token, or undefined when unknown, expired or deactivated. */
export async function resolveSession(
  handle: DbHandle,
  token: string,
  now: Date = new Date(),
): Promise<{ session: Session; user: User } | undefined> {
  if (!token || token.length > 512) return undefined;
  return withDatabaseErrors(async () => {
    const session = await handle.db
      .selectFrom('userSession')
      .select(sessionColumns)
      .where('tokenHash', '=', hashToken(token))
      .where((eb) => eb.or([eb('expiresDate', 'is', null), eb('expiresDate', '>', now)]))
      .executeTakeFirst();
    if (!session) return undefined;
    const user = await handle.db
      .selectFrom('appUser')
      .select(userColumns)
      .where('uuid', '=', session.userUuid)
      .where('isActive', '=', true)
      .executeTakeFirst();
    return user ? { session, user } : undefined;
  });
}

/** Deletes the session of a token (logout); false when it did not exist. */
export async function deleteSession(handle: DbHandle, token: string): Promise<boolean> {
  const result = await withDatabaseErrors(() =>
    handle.db
      .deleteFrom('userSession')
      .where('tokenHash', '=', hashToken(token))
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/** Deletes every expired session; returns how many. */
export async function deleteExpiredSessions(
  handle: DbHandle,
  now: Date = new Date(),
): Promise<number> {
  const result = await withDatabaseErrors(() =>
    handle.db.deleteFrom('userSession').where('expiresDate', '<=', now).executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}

/**
 * Deletes a user's browser login sessions (kind `session`; API tokens stay), except the one with
 * `keepToken` (the session that changed the password). Returns how many ended. Callers then
 * announce the change so that the ended sessions' open WebSockets close
 * (`runtime.sockets.sessionsChanged` in the API).
 */
export async function endLoginSessions(
  handle: DbHandle,
  userUuid: string,
  keepToken?: string,
): Promise<number> {
  let query = handle.db
    .deleteFrom('userSession')
    .where('userUuid', '=', userUuid)
    .where('kind', '=', 'session');
  if (keepToken !== undefined) query = query.where('tokenHash', '!=', hashToken(keepToken));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
