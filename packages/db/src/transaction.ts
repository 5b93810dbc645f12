import type { Transaction } from 'kysely';
import type { DbHandle } from './database.ts';
import { withDatabaseErrors } from './database-errors.ts';
import type { Schema } from './schema.ts';

/**
 * Runs `fn` in a transaction and passes a handle for it. When `handle` already is a transaction,
 * `fn` joins it, so repository functions compose: pass `{ db: trx }` to run several in one unit.
 * Database errors are mapped to GencasterErrors.
 *
 * @example
 * await withTransaction(database, async (tx) => {
 *   const graph = await createGraph(tx, { name: 'A' });
 *   await createNode(tx, { graphUuid: graph.uuid });
 * });
 */
export async function withTransaction<T>(
  handle: DbHandle,
  fn: (tx: DbHandle & { db: Transaction<Schema> }) => Promise<T>,
): Promise<T> {
  return withDatabaseErrors(async () => {
    if (handle.db.isTransaction) return fn({ db: handle.db as Transaction<Schema> });
    return handle.db.transaction().execute((trx) => fn({ db: trx }));
  });
}
