// Free-text search of the admin lists: a plain substring, matched case-insensitively with ILIKE
// and a bound parameter. LIKE metacharacters in the text are escaped, so `%`, `_` and `\` match
// themselves; there is no regex, so no pattern can make the database backtrack.
import { GencasterError } from '@gencaster/domain';
import { sql, type RawBuilder, type SqlBool } from 'kysely';

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

/** `text` as a LIKE pattern that matches it literally anywhere in a value. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** True when any of `columns` contains `text` (case-insensitive). */
export function anyColumnContains(columns: string[], text: string): RawBuilder<SqlBool> {
  const pattern = containsPattern(text);
  const parts = columns.map((column) => sql<SqlBool>`${sql.ref(column)} ilike ${pattern}`);
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
