import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorResponse } from '@gencaster/api';
import { createLogger } from './logger.ts';
import { createStaticSite } from './static-site.ts';

const log = createLogger('http');

/** A request handler that answers (returns true) or passes (returns false). */
export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
) => boolean | Promise<boolean>;

export interface HttpServerOptions {
  host: string;
  port: number;
  /** Answers `/graphql` (HTTP); WebSockets are attached separately on the returned server. */
  graphql: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;
  health: () => Promise<Record<string, unknown>>;
  listenerDir: string;
  editorDir: string;
  /** Extra routes tried before the static sites, e.g. audio file downloads. */
  routes?: Route[];
}

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The one HTTP server of a backend: `/health`, `/graphql`, the editor at `/editor/` and the listener
 * page at `/`. Starts listening before it resolves.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const editor = createStaticSite({
    dir: options.editorDir,
    basePath: '/editor/',
    spaFallback: true,
  });
  const listener = createStaticSite({ dir: options.listenerDir, basePath: '/', spaFallback: true });
  const routes: Route[] = [...(options.routes ?? []), editor, listener];

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      // A code and a safe message; the exception stays in the log.
      log.error({ err: error, path: request.url?.slice(0, 200) }, 'request failed');
      const failed = errorResponse('INTERNAL', 'Unexpected error.');
      if (!response.headersSent)
        response.writeHead(failed.status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(failed.body));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      const refused = errorResponse('INVALID_INPUT', 'bad request URL');
      response.writeHead(refused.status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(refused.body));
      return;
    }
    if (pathname === '/health') {
      const body = await options.health();
      response.writeHead(body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      return;
    }
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) {
      await options.graphql(request, response);
      return;
    }
    if (pathname === '/editor') {
      response.writeHead(301, { location: '/editor/' }).end();
      return;
    }
    for (const route of routes) {
      if (await route(request, response, pathname)) return;
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found: the web apps are not built yet (run npm start) or the path is wrong');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
