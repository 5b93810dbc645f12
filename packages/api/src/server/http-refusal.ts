import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '@gencaster/domain';

/** Options of {@link sendRefusal}. */
export interface RefusalOptions {
  status: number;
  code: ErrorCode | 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED';
  /** A safe message written by us (never exception text). */
  message: string;
  /** Close the connection after answering (the client may still be sending a body we refuse). */
  close?: boolean;
  headers?: Record<string, string>;
}

/**
 * Answers an HTTP request with a GraphQL-shaped error body `{ errors: [{ message, extensions:
 * { code } }] }`. With `close`, the socket is ended once the answer is out, so a body that is still
 * streaming in is never read.
 */
export function sendRefusal(response: ServerResponse, options: RefusalOptions): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({
    errors: [{ message: options.message, extensions: { code: options.code } }],
  });
  response.writeHead(options.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  response.end(body, () => {
    if (options.close) setTimeout(() => response.socket?.destroy(), 50).unref();
  });
}
