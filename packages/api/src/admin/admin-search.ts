// Free-text search of the admin lists: the text a caller may search for (at most 200 characters,
// trimmed). The database matches it as a literal ILIKE substring (`anyColumnContains` in
// packages/db `text-search.ts`).
import { GencasterError } from '@gencaster/domain';

/** Longest search text accepted. */
export const MAX_SEARCH_CHARS = 200;

/** The search text trimmed, or undefined for none; INVALID_INPUT when it is too long. */
export function searchText(search: string | null | undefined): string | undefined {
  if (search === null || search === undefined) return undefined;
  if (search.length > MAX_SEARCH_CHARS)
    throw new GencasterError(
      'INVALID_INPUT',
      `search text has at most ${MAX_SEARCH_CHARS} characters`,
      {
        details: { maxSearchChars: MAX_SEARCH_CHARS },
      },
    );
  const trimmed = search.trim();
  return trimmed === '' ? undefined : trimmed;
}
