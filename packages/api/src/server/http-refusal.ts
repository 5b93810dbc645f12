import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '@gencaster/domain';
import { errorResponse } from '../errors/error-table.ts';

/**
 * A more specific 4xx than the code's row for a refusal of the request itself (all INVALID_INPUT):
 * 405 method, 413 body too large, 415 content type.
 */
export type RequestRefusalStatus = 405 | 413 | 415;

/** Options of {@link sendRefusal}. */
export interface RefusalOptions {
  code: ErrorCode;
  /** A safe message written by us (never exception text). */
  message: string;
  /** Overrides the status of the code's row in the error table. */
  status?: RequestRefusalStatus;
  /** Close the connection after answering (the client may still be sending a body we refuse). */
  close?: boolean;
  headers?: Record<string, string>;
}

/**
 * Answers an HTTP request with the error table's body `{ errors: [{ message, extensions:
 * { code } }] }` and status. With `close`, the socket is ended once the answer is out, so a body
 * that is still streaming in is never read.
 */
export function sendRefusal(response: ServerResponse, options: RefusalOptions): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const refusal = errorResponse(options.code, options.message);
  const body = JSON.stringify(refusal.body);
  response.writeHead(options.status ?? refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  response.end(body, () => {
    if (options.close) setTimeout(() => response.socket?.destroy(), 50).unref();
  });
}
