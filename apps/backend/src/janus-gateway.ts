import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readJanusSecrets } from '@gencaster/sound';
import { readFleetStatusIfAny } from './commands/sound-commands.ts';
import type { Route } from './http-server.ts';

/** Where this host's Janus HTTP API listens and the api_secret its clients must send. */
export interface JanusEndpoint {
  httpPort: number;
  apiSecret: string | undefined;
}

/** Path prefix of the per-point pass-through: `/janus/point/<point uuid>/…`. */
export const JANUS_POINT_PREFIX = '/janus/point/';

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
  return { httpPort: status.janus.httpPort, apiSecret: readJanusApiSecret(janusDataDir) };
}

/** The Janus api_secret stored in a data dir (shared by every sound host), if any. */
export function readJanusApiSecret(dataDir: string): string | undefined {
  try {
    return readJanusSecrets(dataDir).apiSecret;
  } catch {
    return undefined;
  }
}

/** Options of {@link createJanusRoutes} for several sound hosts. */
export interface JanusRoutesOptions {
  /**
   * The Janus HTTP API URL a stream point beaconed (`janus_http_url`, stored on its row): null when
   * the point did not send one (original SuperCollider class), undefined when there is no such point.
   */
  pointJanusUrl?: (pointUuid: string) => Promise<string | null | undefined>;
  /** api_secret handed to listener pages when no local fleet says one (the shared secret). */
  apiSecret?: () => string | undefined;
  /** STUN/TURN servers for the browsers' RTCPeerConnection (default none: LAN only). */
  iceServers?: readonly object[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CACHE_MS = 5000;

/**
 * Routes for the listener page: `/config.json` tells it where Janus is (`janusUrl` = `/janus` on
 * this origin, `janusPointUrl` = `/janus/point/{point}` for the Janus of one stream point), `/janus/…`
 * is passed through to the local fleet's Janus on loopback and `/janus/point/<uuid>/…` to the Janus
 * whose URL that point beaconed, so each listener talks to the Janus of its own point's host while
 * the browser needs no second origin (long polls included). Points without a beaconed URL use the
 * local fleet's Janus.
 */
export function createJanusRoutes(
  endpoint: () => JanusEndpoint | undefined,
  options: JanusRoutesOptions = {},
): Route[] {
  const cache = new Map<string, { url: string | null | undefined; until: number }>();
  const lookup = async (uuid: string): Promise<string | null | undefined> => {
    const hit = cache.get(uuid);
    if (hit && hit.until > Date.now()) return hit.url;
    const url = await options.pointJanusUrl?.(uuid);
    if (cache.size > 10_000) cache.clear();
    cache.set(uuid, { url, until: Date.now() + CACHE_MS });
    return url;
  };

  const config: Route = (request, response, pathname) => {
    if (pathname !== '/config.json' || request.method !== 'GET') return false;
    const janus = endpoint();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(
      JSON.stringify({
        graphqlUrl: '/graphql',
        janusUrl: '/janus',
        ...(options.pointJanusUrl ? { janusPointUrl: `${JANUS_POINT_PREFIX}{point}` } : {}),
        janusApiSecret: janus?.apiSecret ?? options.apiSecret?.(),
        iceServers: options.iceServers ?? [],
      }),
    );
    return true;
  };

  const local = (response: ServerResponse): URL | undefined => {
    const janus = endpoint();
    if (janus) return new URL(`http://127.0.0.1:${janus.httpPort}/janus`);
    fail(response, 503, 'no sound fleet is running: start one with gencaster sound --points 2');
    return undefined;
  };

  const perPoint: Route = async (request, response, pathname) => {
    if (!pathname.startsWith(JANUS_POINT_PREFIX) || !options.pointJanusUrl) return false;
    const [uuid = '', ...rest] = pathname.slice(JANUS_POINT_PREFIX.length).split('/');
    if (!UUID.test(uuid)) {
      fail(response, 400, 'expected /janus/point/<stream point uuid>/…');
      return true;
    }
    const beaconed = await lookup(uuid.toLowerCase());
    if (beaconed === undefined) {
      fail(response, 404, `stream point ${uuid} is unknown`);
      return true;
    }
    const base = beaconed === null ? local(response) : new URL(beaconed);
    if (!base) return true;
    const query = request.url?.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const suffix = rest.filter(Boolean).join('/');
    forward(request, response, base, `${suffix ? `/${suffix}` : ''}${query}`);
    return true;
  };

  const proxy: Route = (request, response, pathname) => {
    if (pathname !== '/janus' && !pathname.startsWith('/janus/')) return false;
    const base = local(response);
    if (base) forward(request, response, base, (request.url ?? '/janus').slice('/janus'.length));
    return true;
  };
  return [config, perPoint, proxy];
}

function fail(response: ServerResponse, status: number, error: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error }));
}

/** Sends the request to `<base><suffix>` (suffix: what follows the Janus base path, with query). */
function forward(
  request: IncomingMessage,
  response: ServerResponse,
  base: URL,
  suffix: string,
): void {
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      method: request.method,
      path: `${base.pathname.replace(/\/$/, '')}${suffix}`,
      headers: { ...request.headers, host: base.host },
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
