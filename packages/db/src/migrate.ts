import { GencasterError } from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from './database.ts';
import { migrations, type MigrationDefinition } from './migrations/index.ts';

/** Result of {@link migrate}: names applied now, in order (empty when already up to date). */
export interface MigrateResult {
  applied: string[];
}

/**
 * Applies every pending migration in order, all in one transaction under an advisory lock, so two
 * backends starting at once cannot both migrate. Idempotent: a second call applies nothing.
 * A database that already holds migrations this code does not know (written by a newer version)
 * is refused with CONFLICT before anything is applied.
 */
export async function migrate(
  database: DbHandle,
  list: readonly MigrationDefinition[] = migrations,
): Promise<MigrateResult> {
  return database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7469135)`.execute(trx);
    await sql`create table if not exists gencaster_migration (
      name text primary key,
      applied_date timestamptz not null default now()
    )`.execute(trx);
    const done = await sql<{ name: string }>`select name from gencaster_migration`.execute(trx);
    const doneNames = new Set(done.rows.map((row) => row.name));
    const known = new Set(list.map((migration) => migration.name));
    const unknown = [...doneNames].filter((name) => !known.has(name)).sort();
    if (unknown.length > 0)
      throw new GencasterError(
        'CONFLICT',
        `this database was migrated by a newer Gencaster (migrations this version does not know: ${unknown.join(', ')}); ` +
          'nothing was changed: run the newer version on it, or restore a backup made for this version',
        { details: { unknownMigrations: unknown } },
      );
    const applied: string[] = [];
    for (const migration of list) {
      if (doneNames.has(migration.name)) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await sql`insert into gencaster_migration (name) values (${migration.name})`.execute(trx);
      applied.push(migration.name);
    }
    return { applied };
  });
}
