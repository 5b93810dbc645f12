/** The closed set of error codes; the API maps each to a GraphQL error in one table. */
export const errorCodes = [
  'NO_STREAM_AVAILABLE',
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'TIMEOUT',
  'INSTRUCTION_FAILED',
  'SCRIPT_ERROR',
  'UNAVAILABLE',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface GencasterErrorOptions {
  /** Field-level details, e.g. which input path was invalid. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type of Gencaster. Every failure that crosses a package edge is a
 * `GencasterError` with a code from {@link errorCodes}; callers branch on `code`, never on text.
 *
 * @example
 * throw new GencasterError('NOT_FOUND', `graph ${uuid} does not exist`);
 */
export class GencasterError extends Error {
  override readonly name = 'GencasterError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: GencasterErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is a {@link GencasterError}, optionally with the given code. */
export function isGencasterError(error: unknown, code?: ErrorCode): error is GencasterError {
  return error instanceof GencasterError && (code === undefined || error.code === code);
}

/** Normalises anything caught at a package edge into a {@link GencasterError} (code INTERNAL). */
export function toGencasterError(error: unknown, message = 'unexpected error'): GencasterError {
  if (error instanceof GencasterError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new GencasterError('INTERNAL', `${message}: ${text}`, { cause: error });
}
