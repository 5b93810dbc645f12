// Free-text search of the admin lists: a plain substring, matched case-insensitively with ILIKE
// and a bound parameter. LIKE metacharacters in the text are escaped, so `%`, `_` and `\` match
// themselves; there is no regex, so no pattern can make the database backtrack.
import { sql, type RawBuilder, type SqlBool } from 'kysely';

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
