import { createReadStream, existsSync, statSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built listener app. */
export const listenerDist = fileURLToPath(new URL('../../apps/listener/dist/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** Options of the test site. */
export interface ListenerSiteOptions {
  /** Janus HTTP API URL written into config.json. */
  janusUrl: string;
  /** `http://127.0.0.1:port` of a GraphQL server; `/graphql` (HTTP and WebSocket) is forwarded there. */
  graphqlTarget: string;
}

/** A running test site. */
export interface ListenerSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built listener app like the backend does (index.html fallback for client routes,
 * `config.json` with the Janus URL) and forwards `/graphql` to a real GraphQL server on the same
 * origin, so cookies and WebSockets behave as in production.
 */
export async function startListenerSite(options: ListenerSiteOptions): Promise<ListenerSite> {
  if (!existsSync(join(listenerDist, 'index.html')))
    throw new Error(`build the listener first: ${listenerDist}`);
  const target = new URL(options.graphqlTarget);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/graphql')) return forward(request, response, target);
    if (path === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ janusUrl: options.janusUrl, graphqlUrl: '/graphql' }));
    }
    serveFile(path, response);
  });
  server.on('upgrade', (request, socket, head) => {
    const upstream = connect(Number(target.port), target.hostname, () => {
      const headers = Object.entries(request.headers)
        .filter(([name]) => name !== 'host')
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
      upstream.write(
        [
          `${request.method} ${request.url} HTTP/1.1`,
          `host: ${target.host}`,
          ...headers,
          '',
          '',
        ].join('\r\n'),
      );
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(request: IncomingMessage, response: ServerResponse, target: URL) {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: target.host },
    },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    response.writeHead(502).end(error.message);
  });
  request.pipe(upstream);
}

function serveFile(path: string, response: ServerResponse) {
  const root = normalize(listenerDist);
  let file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root)) return response.writeHead(404).end();
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (extname(path) !== '') return response.writeHead(404).end();
    file = join(root, 'index.html');
  }
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
}

/** Serves one empty HTML page on 127.0.0.1 (a secure context, unlike about:blank) for harness tests. */
export async function startBlankPage(): Promise<ListenerSite> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><head><title>harness</title></head><body></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
