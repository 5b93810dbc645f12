import type { z } from 'zod';
import { GencasterError } from './gencaster-error.ts';

/**
 * Validates `input` against `schema` and returns the parsed value (with defaults applied).
 * Throws GencasterError INVALID_INPUT whose `details.issues` lists each failing path and message.
 *
 * @example
 * const input = parseInput(createGraphSchema, raw);
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new GencasterError('INVALID_INPUT', `invalid input: ${summary}`, {
    details: { issues },
    cause: result.error,
  });
}
