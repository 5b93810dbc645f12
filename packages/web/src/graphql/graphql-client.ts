import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  Client,
  fetchExchange,
  subscriptionExchange,
  type AnyVariables,
  type OperationResult,
} from '@urql/core';
import { getOperationAST, OperationTypeNode } from 'graphql';
import {
  createClient as createSocket,
  type Client as Socket,
  type ClientOptions,
} from 'graphql-ws';
import { pipe, subscribe as subscribeTo, onEnd } from 'wonka';
import { fromCombinedError, transportError, type GraphQLRequestError } from './request-error.ts';
import { uploadWithProgress } from './upload-request.ts';

/** How an app reaches the GraphQL API. */
export interface GraphQLClientOptions {
  /** The HTTP endpoint (the WebSocket URL is derived from it); may come from `/config.json`. */
  url: () => string | Promise<string>;
  /** Extra headers of every HTTP request (the editor's CSRF header), read per request. */
  headers?: () => Record<string, string>;
  /** graphql-ws settings of the subscription socket (retries, reconnect waits). */
  socket?: Omit<ClientOptions, 'url'>;
  /** Called when a request is refused with `UNAUTHENTICATED` (the editor shows its login). */
  onUnauthenticated?: () => void;
}

/** Handlers of one live subscription. */
export interface SubscriptionHandlers<TResult> {
  next: (data: TResult) => void;
  error?: (error: GraphQLRequestError) => void;
  /** The subscription ended (the server completed it, or it was stopped). */
  complete?: () => void;
}

/** The API as the apps use it: typed requests over HTTP, subscriptions over graphql-ws. */
export interface GraphQLClient {
  /** Runs a query or mutation over HTTP with the session cookie; rejects with a request error. */
  request: <TResult, TVariables extends AnyVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ) => Promise<TResult>;
  /**
   * Sends a mutation with one file as a GraphQL multipart request, reporting upload progress
   * (0…1): urql's fetch cannot report upload progress, so this one request uses XMLHttpRequest.
   */
  uploadRequest: <TResult, TVariables extends AnyVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    filePath: string,
    file: File,
    onProgress: (fraction: number) => void,
  ) => Promise<TResult>;
  /**
   * Starts a subscription; returns the function that ends it (graphql-ws then sends `complete`,
   * which frees what the server holds for it, e.g. a listener's stream point). The variables
   * object is sent again when the socket reconnects, so a caller may update it in place.
   */
  subscribe: <TResult, TVariables extends AnyVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    handlers: SubscriptionHandlers<TResult>,
  ) => () => void;
  /** Drops the WebSocket so the next subscription connects with the current session cookie. */
  resetSubscriptions: () => Promise<void>;
}

/** `http(s)://…/graphql` or `/graphql` → the `ws(s)://` URL of the same endpoint. */
export function toWebSocketUrl(httpUrl: string, base: string): string {
  const url = new URL(httpUrl, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * Creates the app's GraphQL client: an urql client with no cache (every request goes to the
 * server, as the apps expect), `fetchExchange` for HTTP (POST only: the API wants the CSRF header
 * on GET) and `subscriptionExchange` over graphql-ws (the `graphql-transport-ws` protocol).
 */
export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  let socket: Socket | undefined;
  let urql: Promise<{ client: Client; url: string }> | undefined;

  // The standard GraphQL-over-HTTP media type, then plain JSON; never text/event-stream, which
  // the API treats as an SSE subscription.
  const accept = 'application/graphql-response+json, application/json';

  const openSocket = (url: string): Socket => {
    socket ??= createSocket({
      lazy: true,
      ...options.socket,
      url: toWebSocketUrl(url, window.location.href),
    });
    return socket;
  };

  const client = () => {
    urql ??= Promise.resolve(options.url()).then((url) => ({
      url,
      client: new Client({
        url,
        preferGetMethod: false,
        requestPolicy: 'network-only',
        fetchOptions: () => ({
          credentials: 'same-origin',
          headers: { accept, ...options.headers?.() },
        }),
        exchanges: [
          subscriptionExchange({
            forwardSubscription: (request, operation) => ({
              subscribe: (sink) => ({
                // The operation's own variables object, so an update in place is resent on retry.
                unsubscribe: openSocket(url).subscribe(
                  {
                    ...request,
                    query: request.query ?? '',
                    variables: operation.variables as Record<string, unknown>,
                  },
                  sink,
                ),
              }),
            }),
          }),
          fetchExchange,
        ],
      }),
    }));
    return urql;
  };

  // Only an HTTP request's refusal means the session is gone; a subscription reports its own.
  const failed = (error: GraphQLRequestError): GraphQLRequestError => {
    if (error.code === 'UNAUTHENTICATED') options.onUnauthenticated?.();
    return error;
  };

  const dataOf = <TResult>(result: OperationResult<TResult>): TResult => {
    if (result.error) throw failed(fromCombinedError(result.error));
    if (result.data == null) throw failed(transportError('empty response'));
    return result.data;
  };

  return {
    request: async (document, variables) => {
      const { client: urqlClient } = await client();
      const isMutation = getOperationAST(document)?.operation === OperationTypeNode.MUTATION;
      const result = isMutation
        ? await urqlClient.mutation(document, variables).toPromise()
        : await urqlClient.query(document, variables).toPromise();
      return dataOf(result);
    },

    uploadRequest: async (document, variables, filePath, file, onProgress) => {
      const { url } = await client();
      const result = await uploadWithProgress({
        url,
        headers: options.headers?.() ?? {},
        document,
        variables,
        filePath,
        file,
        onProgress,
      });
      if ('error' in result) throw failed(result.error);
      return result.data;
    },

    subscribe: (document, variables, handlers) => {
      let stop: (() => void) | undefined;
      let stopped = false;
      // urql keeps the errors of an earlier event on later results; report each error once.
      const reported = new WeakSet<object>();
      void client().then(({ client: urqlClient }) => {
        if (stopped) return;
        const subscription = pipe(
          urqlClient.subscription(document, variables),
          onEnd(() => handlers.complete?.()),
          subscribeTo((result) => {
            const error = result.error;
            const fresh = error?.graphQLErrors.filter((item) => !reported.has(item)) ?? [];
            for (const item of fresh) reported.add(item);
            if (error && (error.networkError || fresh.length > 0)) {
              handlers.error?.(fromCombinedError(error, fresh));
            } else if (result.data != null) {
              handlers.next(result.data);
            }
          }),
        );
        stop = () => subscription.unsubscribe();
      });
      return () => {
        stopped = true;
        stop?.();
      };
    },

    resetSubscriptions: async () => {
      const current = socket;
      socket = undefined;
      await current?.dispose();
    },
  };
}
