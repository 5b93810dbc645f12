import type { DbHandle } from '../database.ts';

/** Asks the database for a constant: proof that it answers, without touching any table. */
export async function pingDatabase(handle: DbHandle): Promise<void> {
  await handle.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
}
