import { findFreeGraphName, isGraphNameTaken, type DbHandle } from '@gencaster/db';
import { fieldLimits, slugPattern } from '@gencaster/domain';

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
    if (!(await isGraphNameTaken(handle, name, slugName))) return { name, slugName };
  }
  return findFreeGraphName(handle, name, { suffix: 'imported' });
}

/**
 * The display name of a renamed import: follows the new name when it simply repeated the old
 * name (so two graphs do not look alike in lists), else stays as it was.
 */
export function renamedDisplayName(
  graph: { name: string; displayName: string },
  newName: string,
): string {
  return graph.displayName === graph.name
    ? newName.slice(0, fieldLimits.graphDisplayName)
    : graph.displayName;
}
