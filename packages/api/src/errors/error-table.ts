import { GraphQLError } from '../graphql-runtime.ts';
import { mapDatabaseError } from '@gencaster/db';
import { errorCodes, GencasterError, type ErrorCode } from '@gencaster/domain';

/** What the caller of an API sees of one error code. */
export interface ErrorRow {
  /**
   * Status of an HTTP answer that this error ends outside a GraphQL result: refusals before
   * GraphQL runs (uploads, body limits, bad URLs) and the backend's own JSON routes. A GraphQL
   * result keeps status 200 with `errors` (GraphQL over HTTP with application/json), so resolvers'
   * errors never change the status.
   */
  httpStatus: number;
  /** The caller reads the error's own message; otherwise "Unexpected error." and it is logged. */
  exposeMessage: boolean;
  /** The caller reads `extensions.details` (scalar fields and short lists only). */
  exposeDetails: boolean;
  /** The same request may succeed later unchanged; sent as `extensions.retryable: true`. */
  retryable: boolean;
}

/** How each GencasterError code appears to clients, over GraphQL, HTTP and both WebSockets. */
export const errorTable: Record<ErrorCode, ErrorRow> = {
  NO_STREAM_AVAILABLE: row(503, { retryable: true }),
  NOT_FOUND: row(404),
  INVALID_INPUT: row(400, { exposeDetails: true }),
  CONFLICT: row(409, { exposeDetails: true }),
  FORBIDDEN: row(403),
  UNAUTHENTICATED: row(401),
  TIMEOUT: row(504, { retryable: true }),
  INSTRUCTION_FAILED: row(502),
  SCRIPT_ERROR: row(422),
  UNAVAILABLE: row(503, { retryable: true }),
  RATE_LIMITED: row(429, { exposeDetails: true, retryable: true }),
  INTERNAL: row(500, { exposeMessage: false }),
};

function row(httpStatus: number, overrides: Partial<Omit<ErrorRow, 'httpStatus'>> = {}): ErrorRow {
  return { httpStatus, exposeMessage: true, exposeDetails: false, retryable: false, ...overrides };
}

/** The message a caller reads instead of an unexposed one. */
export const HIDDEN_MESSAGE = 'Unexpected error.';

/** One error as clients read it: the `errors[i]` of a GraphQL answer, HTTP refusal or WS frame. */
export interface ClientErrorJson {
  message: string;
  extensions: { code: ErrorCode; details?: Record<string, unknown>; retryable?: true };
}

/**
 * The one place an error body is built: `message` only when the code exposes it, `details`
 * (made safe) only when the code exposes them, `retryable` only when true.
 */
export function clientErrorJson(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ClientErrorJson {
  const entry = errorTable[code];
  return {
    message: entry.exposeMessage ? message : HIDDEN_MESSAGE,
    extensions: {
      code,
      ...(entry.exposeDetails && details ? { details: safeDetails(details) } : {}),
      ...(entry.retryable ? { retryable: true as const } : {}),
    },
  };
}

/** A whole JSON error body `{ errors: [ … ] }` with the code's HTTP status. */
export function errorResponse(
  code: ErrorCode,
  message: string,
): { status: number; body: { errors: [ClientErrorJson] } } {
  return {
    status: errorTable[code].httpStatus,
    body: { errors: [clientErrorJson(code, message)] },
  };
}

/** {@link clientErrorJson} as a GraphQLError (for graphql-ws and GraphQL results). */
export function tableGraphQLError(
  code: ErrorCode,
  message: string,
  options: {
    details?: Record<string, unknown>;
    nodes?: GraphQLError['nodes'];
    path?: GraphQLError['path'];
  } = {},
): GraphQLError {
  const json = clientErrorJson(code, message, options.details);
  return new GraphQLError(json.message, {
    ...(options.nodes ? { nodes: options.nodes } : {}),
    ...(options.path ? { path: options.path } : {}),
    extensions: json.extensions,
  });
}

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
 * Maps any error reaching the GraphQL layer to the client-visible error: GencasterErrors as their
 * row of {@link errorTable} says ({@link clientErrorJson});
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
    if (!errorTable[gencaster.code].exposeMessage) log(gencaster);
    return tableGraphQLError(gencaster.code, gencaster.message, {
      ...base,
      ...(gencaster.details ? { details: gencaster.details } : {}),
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
    return tableGraphQLError('INVALID_INPUT', graphqlError.message, base);
  }
  // A raw driver error of an unreachable database (not wrapped by a repository): retryable.
  const unavailable = mapDatabaseError(graphqlError?.originalError ?? error);
  if (unavailable.code === 'UNAVAILABLE')
    return tableGraphQLError('UNAVAILABLE', unavailable.message, base);
  log(error);
  return tableGraphQLError('INTERNAL', HIDDEN_MESSAGE, base);
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
