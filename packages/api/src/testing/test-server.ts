// Test helpers: a real node:http server on an ephemeral port with the API mounted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUser, createSession, type Database } from '@gencaster/db';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../server/api-server.ts';
import { csrfHeaderName } from '../auth/guards.ts';

/** A running test server. */
export interface TestServer {
  api: ApiServer;
  server: Server;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1 port 0. */
export async function startTestServer(options: ApiServerOptions): Promise<TestServer> {
  const api = createApiServer(options);
  const server = createServer((request, response) => {
    void api.handler(request, response).catch(() => {
      // a code and a safe message, never exception text (like the backend's HTTP server)
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } }],
        }),
      );
    });
  });
  api.attachWebSocket(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    api,
    server,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    close() {
      closing ??= (async () => {
        await api.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** Result of {@link gql}. */
export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; details?: Record<string, unknown> } }[];
  headers: Headers;
}

/** POSTs a GraphQL operation as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked by value
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GqlResult<T>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** Creates an editor and returns headers for a bearer token and for a cookie session (with CSRF header). */
export async function createEditor(
  database: Database,
  username = `editor-${Math.random().toString(36).slice(2, 10)}`,
): Promise<{ username: string; password: string; bearer: Record<string, string>; uuid: string }> {
  const password = 'correct horse battery staple';
  const user = await createUser(database, { username, password, role: 'editor' });
  const { token } = await createSession(database, {
    userUuid: user.uuid,
    kind: 'api_token',
    name: 'test',
    ttlMs: null,
  });
  return { username, password, uuid: user.uuid, bearer: { authorization: `Bearer ${token}` } };
}

/** Headers for a cookie-authenticated browser mutation. */
export function cookieHeaders(cookie: string, withCsrf = true): Record<string, string> {
  return { cookie, ...(withCsrf ? { [csrfHeaderName]: '1' } : {}) };
}
