import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { loadRuntimeConfig } from '../lib/runtime-config.ts';

/** An error reported by the GraphQL server or the transport, with the server's messages. */
export class GraphqlRequestError extends Error {
  override readonly name = 'GraphqlRequestError';
  constructor(
    message: string,
    readonly codes: string[] = [],
  ) {
    super(message);
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let wsClient: Promise<Client> | undefined;

/**
 * Close code of a backend that drains (1012 Service Restart): the session moves to another backend
 * behind the same URL, so reconnect at once instead of backing off.
 */
export const BACKEND_DRAIN_CLOSE_CODE = 1012;
let lastCloseCode = 0;

/** Wait before reconnect attempt `retries`: quick after a drain, else exponential with jitter. */
function retryWait(retries: number): Promise<void> {
  const drained = lastCloseCode === BACKEND_DRAIN_CLOSE_CODE && retries < 3;
  const ms = drained
    ? 100 + Math.random() * 400
    : Math.min(1000 * 2 ** retries, 15_000) + Math.random() * 1000;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function getWsClient(): Promise<Client> {
  wsClient ??= loadRuntimeConfig().then((config) =>
    createClient({
      url: toWebSocketUrl(config.graphqlUrl),
      lazy: true,
      retryAttempts: 8,
      shouldRetry: () => true,
      retryWait,
      on: {
        closed: (event) => {
          lastCloseCode = (event as { code?: number } | undefined)?.code ?? 0;
        },
      },
    }),
  );
  return wsClient;
}

function unwrap<T>(response: GraphqlResponse<T>): T {
  if (response.errors && response.errors.length > 0) {
    throw new GraphqlRequestError(
      response.errors.map((error) => error.message).join('; '),
      response.errors.map((error) => error.extensions?.code ?? '').filter(Boolean),
    );
  }
  if (response.data == null) throw new GraphqlRequestError('Empty GraphQL response');
  return response.data;
}

/** Runs a query or mutation over HTTP (with the session cookie) and returns its data. */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const config = await loadRuntimeConfig();
  const response = await fetch(config.graphqlUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphqlResponse<TResult>;
  if (!response.ok && !body.errors) throw new GraphqlRequestError(`HTTP ${response.status}`);
  return unwrap(body);
}

/** Callbacks of a subscription. */
export interface SubscriptionSink<T> {
  next(data: T): void;
  error(error: GraphqlRequestError): void;
  complete(): void;
}

/**
 * Starts a subscription over graphql-ws and returns a function that ends it.
 * Ending it tells the server (a `complete` message), which frees the listener's stream point.
 */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  sink: SubscriptionSink<TResult>,
): () => void {
  let dispose: (() => void) | undefined;
  let ended = false;
  void getWsClient().then((client) => {
    if (ended) return;
    dispose = client.subscribe<TResult>(
      { query: print(document), variables: variables as Record<string, unknown> },
      {
        next: (value) => {
          try {
            sink.next(unwrap(value as GraphqlResponse<TResult>));
          } catch (error) {
            sink.error(error as GraphqlRequestError);
          }
        },
        error: (error) => sink.error(new GraphqlRequestError(describeWsError(error))),
        complete: () => sink.complete(),
      },
    );
  });
  return () => {
    ended = true;
    dispose?.();
  };
}

function describeWsError(error: unknown): string {
  if (Array.isArray(error))
    return error.map((item: { message?: string }) => item.message ?? String(item)).join('; ');
  if (error instanceof Error) return error.message;
  if (typeof CloseEvent !== 'undefined' && error instanceof CloseEvent) {
    return `connection closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  }
  return String(error);
}
