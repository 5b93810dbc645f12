import { GraphQLError } from '../graphql-runtime.ts';
import { mapDatabaseError } from '@gencaster/db';
import { errorCodes, GencasterError, type ErrorCode } from '@gencaster/domain';

/** How each GencasterError code appears to GraphQL clients: `extensions.code` and HTTP status. */
export const errorTable: Record<ErrorCode, { httpStatus: number; exposeMessage: boolean }> = {
  NO_STREAM_AVAILABLE: { httpStatus: 200, exposeMessage: true },
  NOT_FOUND: { httpStatus: 200, exposeMessage: true },
  INVALID_INPUT: { httpStatus: 200, exposeMessage: true },
  CONFLICT: { httpStatus: 200, exposeMessage: true },
  FORBIDDEN: { httpStatus: 200, exposeMessage: true },
  UNAUTHENTICATED: { httpStatus: 200, exposeMessage: true },
  TIMEOUT: { httpStatus: 200, exposeMessage: true },
  INSTRUCTION_FAILED: { httpStatus: 200, exposeMessage: true },
  SCRIPT_ERROR: { httpStatus: 200, exposeMessage: true },
  UNAVAILABLE: { httpStatus: 200, exposeMessage: true },
  RATE_LIMITED: { httpStatus: 200, exposeMessage: true },
  INTERNAL: { httpStatus: 200, exposeMessage: false },
};

/** Extension codes of errors raised by GraphQL itself (parse/validation/limits), not by resolvers. */
export const graphqlErrorCodes = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
] as const;

/** Logger for unexpected errors (details stay on the server). */
export type ErrorLogger = (error: unknown) => void;

function findGencasterError(error: unknown): GencasterError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof GencasterError) return current;
    current =
      current instanceof GraphQLError
        ? current.originalError
        : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps any error reaching the GraphQL layer to the client-visible error: GencasterErrors keep
 * their message (unless INTERNAL) with `extensions.code` (+ `details` for INVALID_INPUT/CONFLICT);
 * GraphQL's own parse/validation errors pass through; anything else becomes INTERNAL.
 */
export function toClientError(error: unknown, log: ErrorLogger): GraphQLError {
  const graphqlError = error instanceof GraphQLError ? error : undefined;
  const gencaster = findGencasterError(error);
  const base = {
    ...(graphqlError?.nodes ? { nodes: graphqlError.nodes } : {}),
    ...(graphqlError?.path ? { path: graphqlError.path } : {}),
  };
  if (gencaster) {
    const entry = errorTable[gencaster.code];
    if (!entry.exposeMessage) log(gencaster);
    const withDetails =
      gencaster.code === 'INVALID_INPUT' ||
      gencaster.code === 'CONFLICT' ||
      gencaster.code === 'RATE_LIMITED';
    return new GraphQLError(entry.exposeMessage ? gencaster.message : 'Unexpected error.', {
      ...base,
      extensions: {
        code: gencaster.code,
        ...(withDetails && gencaster.details ? { details: safeDetails(gencaster.details) } : {}),
      },
    });
  }
  if (graphqlError && graphqlError.originalError === undefined) {
    const code =
      typeof graphqlError.extensions.code === 'string'
        ? graphqlError.extensions.code
        : 'GRAPHQL_VALIDATION_FAILED';
    return new GraphQLError(graphqlError.message, {
      ...base,
      extensions: { ...graphqlError.extensions, code },
    });
  }
  if (graphqlError?.originalError instanceof TypeError && graphqlError.path === undefined) {
    // Scalar parsing errors (e.g. a malformed UUID variable) are the client's fault.
    return new GraphQLError(graphqlError.message, {
      ...base,
      extensions: { code: 'INVALID_INPUT' },
    });
  }
  // A raw driver error of an unreachable database (not wrapped by a repository): retryable.
  const unavailable = mapDatabaseError(graphqlError?.originalError ?? error);
  if (unavailable.code === 'UNAVAILABLE')
    return new GraphQLError(unavailable.message, { ...base, extensions: { code: 'UNAVAILABLE' } });
  log(error);
  return new GraphQLError('Unexpected error.', { ...base, extensions: { code: 'INTERNAL' } });
}

function safeDetails(details: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === 'cause' || key === 'sqlState' || key === 'detail') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      result[key] = value;
    else if (Array.isArray(value)) result[key] = value.slice(0, 20);
  }
  return result;
}

/** True when `code` is one of the closed GencasterError codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (errorCodes as readonly string[]).includes(code);
}
