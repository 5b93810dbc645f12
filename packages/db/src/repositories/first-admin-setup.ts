// The queries of the backend's one-time first-admin setup (apps/backend `setup/first-admin.ts`).
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';

/** How many accounts exist (active or not). */
export async function countAccounts(handle: DbHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('appUser')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Takes the first-admin setup's advisory lock until the caller's transaction ends, so two setups
 * racing (or two backends on one PostgreSQL) run one after the other.
 */
export async function lockFirstAdminSetup(tx: DbHandle): Promise<void> {
  await sql`select pg_advisory_xact_lock(7469136)`.execute(tx.db);
}
