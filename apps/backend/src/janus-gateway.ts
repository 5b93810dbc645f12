import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { readJanusSecrets } from '@gencaster/sound';
import { readFleetStatusIfAny } from './commands/sound-commands.ts';
import type { Route } from './http-server.ts';

/** Where this host's Janus HTTP API listens and the api_secret its clients must send. */
export interface JanusEndpoint {
  httpPort: number;
  apiSecret: string | undefined;
}

/**
 * Finds the Janus of the sound fleet: the one this process started, else the one an external
 * `gencaster sound` writes into the same data dir. Undefined when none runs.
 */
export function findJanusEndpoint(
  soundRunDir: string,
  janusDataDir: string,
  own?: JanusEndpoint,
): JanusEndpoint | undefined {
  if (own) return own;
  const status = readFleetStatusIfAny(soundRunDir);
  if (!status || status.stale) return undefined;
  let apiSecret: string | undefined;
  try {
    apiSecret = readJanusSecrets(janusDataDir).apiSecret;
  } catch {
    apiSecret = undefined;
  }
  return { httpPort: status.janus.httpPort, apiSecret };
}

/**
 * Two routes for the listener page: `/config.json` tells it to talk to Janus at `/janus` on this
 * origin, and `/janus/…` is passed through to Janus' HTTP API on loopback (long polls included).
 * So Janus stays bound to 127.0.0.1 and the browser needs no second origin.
 */
export function createJanusRoutes(endpoint: () => JanusEndpoint | undefined): Route[] {
  const config: Route = (request, response, pathname) => {
    if (pathname !== '/config.json' || request.method !== 'GET') return false;
    const janus = endpoint();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(
      JSON.stringify({
        graphqlUrl: '/graphql',
        janusUrl: '/janus',
        janusApiSecret: janus?.apiSecret,
        iceServers: [],
      }),
    );
    return true;
  };
  const proxy: Route = (request, response, pathname) => {
    if (pathname !== '/janus' && !pathname.startsWith('/janus/')) return false;
    const janus = endpoint();
    if (!janus) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: 'no sound fleet is running: start one with gencaster sound --points 2',
        }),
      );
      return true;
    }
    forward(request, response, janus.httpPort);
    return true;
  };
  return [config, proxy];
}

function forward(request: IncomingMessage, response: ServerResponse, port: number): void {
  const upstream = httpRequest(
    {
      host: '127.0.0.1',
      port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: `127.0.0.1:${port}` },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `Janus did not answer: ${error.message}` }));
  });
  request.pipe(upstream);
}
