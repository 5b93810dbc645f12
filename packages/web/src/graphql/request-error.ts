import type { CombinedError } from '@urql/core';

/** One GraphQL error as the server reports it. */
export interface ServerError {
  message: string;
  extensions?: { code?: string; details?: unknown } & Record<string, unknown>;
}

/**
 * A request that came back with errors or did not reach the server, in the shape both apps read:
 * the server's messages joined into `message`, every error with its `extensions` in `errors`, the
 * error codes (`UNAUTHENTICATED`, `INVALID_INPUT`, …) in `codes` and the first one in `code`.
 */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  /** Error codes of all errors that carry one, in order. */
  readonly codes: string[];
  /** Error code of the first error, if the server sent one. */
  readonly code: string | undefined;
  constructor(readonly errors: ServerError[]) {
    super(errors.map((error) => error.message).join('; ') || 'request failed');
    this.codes = errors.flatMap((error) => {
      const code = error.extensions?.code;
      return typeof code === 'string' && code !== '' ? [code] : [];
    });
    this.code = errors[0]?.extensions?.code;
  }
}

/** A request error with one message of our own (transport failures). */
export function transportError(message: string): GraphQLRequestError {
  return new GraphQLRequestError([{ message }]);
}

/**
 * The server's errors of an urql result, without urql's `[GraphQL]`/`[Network]` prefixes: the UI
 * shows the server's own words. A network failure says whether the server answered at all.
 */
export function fromCombinedError(
  error: CombinedError,
  graphQLErrors: readonly ServerError[] = error.graphQLErrors,
): GraphQLRequestError {
  if (graphQLErrors.length > 0) {
    return new GraphQLRequestError(
      graphQLErrors.map(({ message, extensions }) => ({
        message,
        extensions,
      })),
    );
  }
  const network: unknown = error.networkError;
  if (isCloseEvent(network)) return transportError(describeClose(network));
  const response = error.response as Response | undefined;
  if (response && typeof response.status === 'number') {
    return transportError(`server answered ${response.status} ${response.statusText} without data`);
  }
  return transportError(`server not reachable (${String(network)})`);
}

function isCloseEvent(error: unknown): error is CloseEvent {
  return typeof CloseEvent !== 'undefined' && error instanceof CloseEvent;
}

function describeClose(event: CloseEvent): string {
  return `connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
}

/** A user-facing message for any error a request can throw. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
