import { isGencasterError } from '@gencaster/domain';

/**
 * Resolves with undefined where a repository `get…` reports NOT_FOUND or INVALID_INPUT (a
 * malformed uuid names no row either), so a caller that treats "no such row" as a normal answer
 * needs no `find…` twin of every `get…`. Other errors pass through.
 */
export async function missingAsUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isGencasterError(error, 'NOT_FOUND') || isGencasterError(error, 'INVALID_INPUT'))
      return undefined;
    throw error;
  }
}
