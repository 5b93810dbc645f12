import { GencasterError } from '@gencaster/domain';

/**
 * Copies the keys that are present in a GraphQL input into a patch. Absent keys are skipped;
 * present values — including 0, "" and false — are kept; an explicit null for a non-nullable column
 * is an INVALID_INPUT error (the original silently ignored all falsy values).
 */
export function toPatch<T extends object, K extends keyof T>(
  input: T,
  keys: readonly K[],
): { [P in K]?: Exclude<T[P], null | undefined> } {
  const patch: { [P in K]?: Exclude<T[P], null | undefined> } = {};
  for (const key of keys) {
    if (!(key in input)) continue;
    const value = input[key];
    if (value === undefined) continue;
    if (value === null) {
      throw new GencasterError('INVALID_INPUT', `${String(key)} cannot be null`, {
        details: { field: key },
      });
    }
    patch[key] = value as Exclude<T[K], null | undefined>;
  }
  return patch;
}
