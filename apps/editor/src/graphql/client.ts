import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import { csrfHeaders } from './csrf.ts';

/** The GraphQL endpoint on the editor's own origin (HTTP and WebSocket). */
export const graphqlPath = '/graphql';

/** One GraphQL error as the server reports it. */
export interface ServerError {
  message: string;
  extensions?: { code?: string; details?: unknown } & Record<string, unknown>;
}

/** A request that reached the server and came back with errors (or did not reach it). */
export class GraphQLRequestError extends Error {
  /** Error code of the first error (`UNAUTHENTICATED`, `INVALID_INPUT`, …), if the server sent one. */
  readonly code: string | undefined;
  constructor(readonly errors: ServerError[]) {
    super(errors.map((error) => error.message).join('; ') || 'request failed');
    this.name = 'GraphQLRequestError';
    this.code = errors[0]?.extensions?.code;
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ServerError[];
}

let unauthenticatedHandler: (() => void) | undefined;

/** Registers what happens when the server says the session is gone (the app shows the login). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler;
}

function unwrap<T>(body: GraphQLResponse<T>): T {
  if (body.errors && body.errors.length > 0) {
    const error = new GraphQLRequestError(body.errors);
    if (error.code === 'UNAUTHENTICATED') unauthenticatedHandler?.();
    throw error;
  }
  if (body.data == null) throw new GraphQLRequestError([{ message: 'empty response' }]);
  return body.data;
}

/** Runs a query or mutation over HTTP with the session cookie and the CSRF header. */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(graphqlPath, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...csrfHeaders() },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (cause) {
    throw new GraphQLRequestError([{ message: `server not reachable (${String(cause)})` }]);
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    body = {};
  }
  if (!body.errors && body.data == null) {
    throw new GraphQLRequestError([
      { message: `server answered ${response.status} ${response.statusText} without data` },
    ]);
  }
  return unwrap(body);
}

/**
 * Sends a mutation with one file as a GraphQL multipart request, reporting upload progress
 * (0…1). Uses XMLHttpRequest because fetch cannot report upload progress.
 */
export function uploadRequest<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  filePath: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<TResult> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: print(document), variables }));
  form.append('map', JSON.stringify({ 0: [`variables.${filePath}`] }));
  form.append('0', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', graphqlPath);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(new GraphQLRequestError([{ message: 'upload failed: server not reachable' }]));
    xhr.onload = () => {
      try {
        resolve(unwrap(JSON.parse(xhr.responseText) as GraphQLResponse<TResult>));
      } catch (error) {
        reject(
          error instanceof GraphQLRequestError
            ? error
            : new GraphQLRequestError([
                { message: `upload failed: ${xhr.status} ${xhr.responseText.slice(0, 200)}` },
              ]),
        );
      }
    };
    xhr.send(form);
  });
}

let wsClient: Client | undefined;

function socket(): Client {
  if (!wsClient) {
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    wsClient = createClient({
      url: `${protocol}//${location.host}${graphqlPath}`,
      lazy: true,
      retryAttempts: 20,
    });
  }
  return wsClient;
}

/** Drops the WebSocket so the next subscription reconnects with the current session cookie. */
export async function resetSubscriptions(): Promise<void> {
  const client = wsClient;
  wsClient = undefined;
  await client?.dispose();
}

/** Handlers of one live subscription. */
export interface SubscriptionHandlers<TResult> {
  next: (data: TResult) => void;
  error?: (error: GraphQLRequestError) => void;
  /** The server ended the subscription. */
  complete?: () => void;
}

/** Starts a subscription over graphql-ws; returns the function that stops it. */
export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  return socket().subscribe<TResult>(
    { query: print(document), variables },
    {
      next: (result) => {
        if (result.errors && result.errors.length > 0) {
          handlers.error?.(new GraphQLRequestError(result.errors as ServerError[]));
        } else if (result.data) {
          handlers.next(result.data);
        }
      },
      error: (error) => {
        const errors = Array.isArray(error)
          ? (error as ServerError[])
          : [{ message: describe(error) }];
        handlers.error?.(new GraphQLRequestError(errors));
      },
      complete: () => handlers.complete?.(),
    },
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof CloseEvent !== 'undefined' && error instanceof CloseEvent)
    return `connection closed (${error.code} ${error.reason})`;
  return String(error);
}

/** A user-facing message for any error a request can throw. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
