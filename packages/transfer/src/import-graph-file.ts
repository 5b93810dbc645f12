import { GencasterError } from '@gencaster/domain';
import { importGraphArchive } from './import-archive.ts';
import { importDjangoDump, type DjangoDumpImportOptions } from './import-django-dump.ts';
import type { ImportReport, TransferEnvironment } from './transfer-types.ts';

/** Which kind of file {@link importGraphFile} saw. */
export type GraphFileKind = 'gencaster-graph' | 'django-dumpdata';

/**
 * Parses the text of an import file: JSON is required; a list is an original Gencaster
 * `dumpdata`, an object a graph archive. INVALID_INPUT otherwise.
 */
export function readGraphFile(text: string): { kind: GraphFileKind; json: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GencasterError('INVALID_INPUT', 'the file is not JSON (a graph archive or a dump)', {
      cause: error,
    });
  }
  if (Array.isArray(json)) return { kind: 'django-dumpdata', json };
  if (typeof json === 'object' && json !== null) return { kind: 'gencaster-graph', json };
  throw new GencasterError('INVALID_INPUT', 'the file is neither a graph archive nor a dump');
}

/**
 * Imports a graph archive or an original Gencaster dump, whichever the text is.
 *
 * @example
 * const report = await importGraphFile(env, await readFile(path, 'utf8'), { mediaDir });
 */
export async function importGraphFile(
  env: TransferEnvironment,
  text: string,
  options: DjangoDumpImportOptions = {},
): Promise<ImportReport> {
  const { kind, json } = readGraphFile(text);
  return kind === 'django-dumpdata'
    ? importDjangoDump(env, json, options)
    : importGraphArchive(env, json);
}
