import { findFreeGraphName, type DbHandle } from '@gencaster/db';
import { slugPattern } from '@gencaster/domain';

/**
 * The name and slug an imported graph gets: the original pair when both are free (and the slug is
 * valid), else a free "<name> (imported)" / "(imported 2)" … with a slug derived from it. An
 * existing graph is never touched.
 */
export async function chooseImportName(
  handle: DbHandle,
  name: string,
  slugName: string,
): Promise<{ name: string; slugName: string }> {
  if (slugPattern.test(slugName)) {
    const taken = await handle.db
      .selectFrom('graph')
      .select('uuid')
      .where((eb) => eb.or([eb('name', '=', name), eb('slugName', '=', slugName)]))
      .executeTakeFirst();
    if (!taken) return { name, slugName };
  }
  return findFreeGraphName(handle, name, { suffix: 'imported' });
}
