import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { isGencasterError } from '@gencaster/domain';
import type { ErrorLogger } from '../errors/error-table.ts';
import { execute } from '../graphql-runtime.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { ApiContext } from './context.ts';
import { sendRefusal, type RequestRefusalStatus } from './http-refusal.ts';
import { receiveMultipart } from './multipart-upload.ts';
import { BodyTooLargeError } from './node-http.ts';
import { formatResult, prepareOperation, type OperationPayload } from './operation.ts';

/** Options of {@link createUploadHandler}. */
export interface UploadHandlerOptions {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  logError: ErrorLogger;
  maxFileBytes: number;
  /** Where uploads are streamed to (default: the OS temp dir). */
  tempDir?: string;
  /** The editor/admin of the request from its headers alone, or null. */
  authenticate(request: IncomingMessage): Promise<Viewer | null>;
  /** True when the request carries the CSRF header. */
  hasCsrfHeader(request: IncomingMessage): boolean;
  createContext(request: IncomingMessage, viewer: Viewer): ApiContext;
  /** CORS headers for the request's Origin (empty when not allowed). */
  corsHeaders(request: IncomingMessage): Record<string, string>;
}

const maxJsonFieldBytes = 1024 * 1024;

/**
 * Answers a multipart GraphQL request (file uploads). The caller is authenticated from the headers
 * *before* one byte of the body is read: anonymous callers and cookie requests without the CSRF
 * header are refused at once and the connection closed. Then files stream to disk with a counter
 * (a file over `maxFileBytes` is refused while it arrives), and the mutation runs with the files
 * as {@link DiskUpload}s, which importers read in place.
 */
export function createUploadHandler(
  options: UploadHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const cors = options.corsHeaders(request);
    const refuse = (
      code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID_INPUT',
      message: string,
      status?: RequestRefusalStatus,
    ) =>
      sendRefusal(response, {
        code,
        message,
        close: true,
        headers: cors,
        ...(status ? { status } : {}),
      });
    const viewer = await options.authenticate(request);
    if (viewer === null)
      return refuse('UNAUTHENTICATED', 'uploads need a login (role editor or admin)');
    if (viewer.via === 'cookie' && !options.hasCsrfHeader(request))
      return refuse('FORBIDDEN', 'cookie-authenticated uploads need the x-gencaster-csrf header');
    const limit = options.maxFileBytes + 2 * maxJsonFieldBytes + 64 * 1024;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit)
      return refuse('INVALID_INPUT', `uploads are limited to ${options.maxFileBytes} bytes`, 413);

    let received: Awaited<ReturnType<typeof receiveMultipart>>;
    try {
      received = await receiveMultipart(request, {
        maxFileBytes: options.maxFileBytes,
        maxFieldBytes: maxJsonFieldBytes,
        maxFiles: 10,
        ...(options.tempDir ? { tempDir: options.tempDir } : {}),
      });
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return refuse('INVALID_INPUT', `uploads are limited to ${options.maxFileBytes} bytes`, 413);
      if (isGencasterError(error, 'INVALID_INPUT')) return refuse('INVALID_INPUT', error.message);
      options.logError(error);
      return refuse('INVALID_INPUT', 'the upload could not be read');
    }
    try {
      const payload = received.operations as Partial<OperationPayload> | null;
      if (payload === null || typeof payload !== 'object' || typeof payload.query !== 'string')
        return refuse(
          'INVALID_INPUT',
          'multipart request: operations must be one { query, variables } object',
        );
      const context = options.createContext(request, viewer);
      const prepared = prepareOperation(
        options.schema,
        options.rules,
        {
          query: payload.query,
          variables: payload.variables ?? null,
          operationName: payload.operationName ?? null,
        },
        context,
      );
      const send = (body: unknown) => {
        const text = JSON.stringify(body);
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...cors,
        });
        response.end(text);
      };
      if ('errors' in prepared) return send({ errors: prepared.errors.map((e) => e.toJSON()) });
      if (prepared.kind !== 'mutation')
        return refuse('INVALID_INPUT', 'multipart requests carry mutations only');
      const result = await execute(prepared.args);
      send(formatResult(result, options.logError));
    } finally {
      await received.dispose();
    }
  };
}
