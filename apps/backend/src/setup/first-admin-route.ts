import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@gencaster/db';
import { clientErrorJson, errorTable } from '@gencaster/api';
import { GencasterError, toGencasterError } from '@gencaster/domain';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Route } from '../http-server.ts';
import { completeFirstAdminSetup, readSetupToken } from './first-admin.ts';

/** The endpoint the editor's setup page posts to. */
export const FIRST_ADMIN_ENDPOINT = '/setup/first-admin';

const MAX_BODY_BYTES = 4096;

const bodySchema = z
  .object({
    token: z.string().min(1).max(200),
    username: z.string().min(1).max(150),
    password: z.string().min(1).max(1024),
  })
  .strict();

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** The error table's status, code and message in the `{ error }` envelope the setup page reads. */
function sendError(response: ServerResponse, error: GencasterError): void {
  const { message, extensions } = clientErrorJson(error.code, error.message);
  send(response, errorTable[error.code].httpStatus, { error: { code: extensions.code, message } });
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new GencasterError('INVALID_INPUT', 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Options of {@link createFirstAdminRoute}. */
export interface FirstAdminRouteOptions {
  database: Database;
  dataDir: string;
  logger: Logger;
}

/**
 * `POST /setup/first-admin` with JSON `{ token, username, password }`: the editor's setup page
 * creates the first admin with the one-time token `gencaster start` printed. Only JSON bodies (a
 * cross-site form cannot send one without CORS), at most 4 KiB. `GET` answers `{ open }`, whether
 * setup is still possible, so the page can say so before asking for a name. Refusals are typed:
 * 403 FORBIDDEN (wrong or used token), 409 CONFLICT (an account exists), 400 INVALID_INPUT.
 */
export function createFirstAdminRoute(options: FirstAdminRouteOptions): Route {
  return async (request, response, pathname) => {
    if (pathname !== FIRST_ADMIN_ENDPOINT) return false;
    try {
      if (request.method === 'GET') {
        send(response, 200, { open: (await readSetupToken(options.dataDir)) !== undefined });
        return true;
      }
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'GET, POST' }).end();
        return true;
      }
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
        throw new GencasterError('INVALID_INPUT', 'send JSON (content-type: application/json)');
      let json: unknown;
      try {
        json = JSON.parse(await readBody(request));
      } catch (error) {
        if (error instanceof GencasterError) throw error;
        throw new GencasterError('INVALID_INPUT', 'the body is not JSON');
      }
      const body = bodySchema.safeParse(json);
      if (!body.success)
        throw new GencasterError('INVALID_INPUT', 'expected { token, username, password }');
      const user = await completeFirstAdminSetup({ ...body.data, ...options });
      options.logger.info(
        { username: user.username },
        'first admin created through the setup link',
      );
      send(response, 201, { username: user.username, role: user.role });
    } catch (error) {
      const typed = toGencasterError(error);
      options.logger.warn({ code: typed.code }, 'first-admin setup refused');
      sendError(response, typed);
    }
    return true;
  };
}
