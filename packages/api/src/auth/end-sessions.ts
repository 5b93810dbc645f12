import { createHash } from 'node:crypto';
import type { DbHandle } from '@gencaster/db';

/**
 * Deletes a user's browser login sessions (kind `session`; API tokens stay), except the one with
 * `keepToken` (the session that changed the password). Returns how many ended. Callers then
 * announce the change so that the ended sessions' open WebSockets close
 * (`runtime.sockets.sessionsChanged`).
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
  if (keepToken !== undefined)
    query = query.where('tokenHash', '!=', createHash('sha256').update(keepToken).digest('hex'));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
