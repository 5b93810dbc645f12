import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { errorCodes, GencasterError } from '@gencaster/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../graphql-runtime.ts';
import { withTypedErrorBody } from '../server/request-guards.ts';
import { createUploadHandler } from '../server/upload-request.ts';
import { clientErrorJson, errorResponse, errorTable, toClientError } from './error-table.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the error table', () => {
  it('has a complete row for every error code', () => {
    expect(Object.keys(errorTable).sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) {
      const row = errorTable[code];
      expect(Object.keys(row).sort(), code).toEqual(
        ['exposeDetails', 'exposeMessage', 'httpStatus', 'retryable'].sort(),
      );
      expect(row.httpStatus, code).toBeGreaterThanOrEqual(400);
      expect(row.httpStatus, code).toBeLessThan(600);
      expect(typeof row.exposeMessage, code).toBe('boolean');
      expect(typeof row.exposeDetails, code).toBe('boolean');
      expect(typeof row.retryable, code).toBe('boolean');
    }
  });

  it('hides the message of an unexpected error and shows details only where the row says so', () => {
    expect(clientErrorJson('INTERNAL', 'connection string postgres://x', { a: 1 })).toEqual({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL' },
    });
    expect(clientErrorJson('NOT_FOUND', 'graph x does not exist', { a: 1 })).toEqual({
      message: 'graph x does not exist',
      extensions: { code: 'NOT_FOUND' },
    });
    expect(clientErrorJson('RATE_LIMITED', 'slow down', { retryAfterMs: 500, cause: 'x' })).toEqual(
      {
        message: 'slow down',
        extensions: { code: 'RATE_LIMITED', details: { retryAfterMs: 500 }, retryable: true },
      },
    );
  });

  it('gives GraphQL errors the same body as HTTP refusals', () => {
    const error = new GencasterError('CONFLICT', 'slug taken', { details: { field: 'slug' } });
    expect(toClientError(error, () => undefined).toJSON()).toEqual(
      clientErrorJson('CONFLICT', 'slug taken', { field: 'slug' }),
    );
  });
});

describe('HTTP and WebSocket error bodies come from the error table', () => {
  let server: Server;
  let port: number;
  const maxFileBytes = 1000;
  beforeAll(async () => {
    const upload = createUploadHandler({
      schema: buildSchema('type Query { ok: Boolean } type Mutation { ok: Boolean }'),
      rules: [],
      logError: () => undefined,
      maxFileBytes,
      authenticate: () =>
        Promise.resolve({ uuid: 'u', username: 'e', role: 'editor', via: 'bearer' }),
      hasCsrfHeader: () => true,
      createContext: () => {
        throw new Error('never reached: the body is refused first');
      },
      corsHeaders: () => ({}),
    });
    server = createServer((request, response) => void upload(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('an upload over the size limit is refused with 413 and the table body', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          headers: {
            'content-type': 'multipart/form-data; boundary=x',
            'content-length': String(10 * 1024 * 1024),
          },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      outgoing.on('error', reject);
      outgoing.write('--x\r\n');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual(
      errorResponse('INVALID_INPUT', `uploads are limited to ${maxFileBytes} bytes`).body,
    );
  });

  it('a bodyless 415 from GraphQL Yoga gets the table body and keeps its status', async () => {
    const typed = await withTypedErrorBody(new Response(null, { status: 415 }));
    expect(typed.status).toBe(415);
    expect(await typed.json()).toEqual(
      errorResponse(
        'INVALID_INPUT',
        'unsupported content type: send application/json or multipart/form-data',
      ).body,
    );
  });

  it('no HTTP or WebSocket module builds an error body by hand', () => {
    // Error bodies carry `extensions: { code … }` only when built by clientErrorJson; a literal
    // elsewhere in a transport module is a hand-built body that can drift from the table.
    const files = execFileSync(
      'git',
      ['ls-files', 'packages/api/src/server', 'packages/api/src/auth', 'apps/backend/src'],
      { cwd: repoRoot, encoding: 'utf8' },
    )
      .split('\n')
      .filter((file) => file.endsWith('.ts') && !/\.test\.ts$|\/testing\//.test(file));
    expect(files).toContain('packages/api/src/server/ws-legacy.ts');
    expect(files).toContain('packages/api/src/server/ws-modern.ts');
    // GraphQL's own GRAPHQL_* validation codes are not table codes and stay where GraphQL runs.
    const handBuiltBody = new RegExp(
      `extensions:\\s*\\{\\s*code\\s*:\\s*'(${errorCodes.join('|')})'|payload:\\s*\\{\\s*message\\s*:`,
    );
    const handBuilt = files.filter((file) => {
      const code = readFileSync(`${repoRoot}${file}`, 'utf8');
      return handBuiltBody.test(code);
    });
    expect(handBuilt).toEqual([]);
  });
});
