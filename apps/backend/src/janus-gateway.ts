import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientErrorJson, errorTable } from '@gencaster/api';
import {
  GencasterError,
  isGencasterError,
  type WebConfigFile,
  type WebIceServer,
} from '@gencaster/domain';
import { readJanusSecrets, type JanusSecrets } from '@gencaster/sound';
import { readFleetStatusIfAny } from './commands/sound-commands.ts';
import type { JanusCallers } from './janus-callers.ts';
import { checkJanusRequest, parseJanusTarget } from './janus-request-policy.ts';
import { createSessionBinding, type SessionBinding } from './janus-session-binding.ts';
import { chooseJanusUpstream, type JanusUpstreamOptions } from './janus-upstream.ts';
import type { Logger } from './logger.ts';
import type { Route } from './http-server.ts';

/** Where this host's Janus HTTP API listens and the secrets the gateway adds to requests. */
export interface JanusEndpoint {
  /** HTTP API base as this backend reaches it, e.g. `http://127.0.0.1:28088/janus`. */
  url: string;
  apiSecret: string | undefined;
  /** Key of the mountpoint/room pins (see `janusMountCredentials`). */
  mountKey: string | undefined;
}

/** Path prefix of the per-point gateway: `/janus/point/<point uuid>/…`. */
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
  const secrets = readStoredJanusSecrets(janusDataDir);
  return {
    url: status.janus.url || `http://127.0.0.1:${status.janus.httpPort}/janus`,
    apiSecret: secrets?.apiSecret,
    mountKey: secrets?.mountKey,
  };
}

/** The Janus secrets stored in a data dir (shared by every sound host), if any. */
export function readStoredJanusSecrets(dataDir: string): Partial<JanusSecrets> | undefined {
  try {
    return readJanusSecrets(dataDir);
  } catch {
    return undefined;
  }
}

/**
 * Where this backend reaches Janus and with which secrets: the local fleet's, else the secrets
 * file that sound hosts share (then the point's Janus URL comes from its beacon).
 */
export function resolveJanusAccess(
  endpoint: () => JanusEndpoint | undefined,
  storedSecrets: (() => Partial<JanusSecrets> | undefined) | undefined,
): { localUrl: string | undefined; apiSecret: string | undefined; mountKey: string | undefined } {
  const local = endpoint();
  const stored = local ? undefined : storedSecrets?.();
  return {
    localUrl: local?.url,
    apiSecret: local?.apiSecret ?? stored?.apiSecret,
    mountKey: local?.mountKey ?? stored?.mountKey,
  };
}

/** Options of {@link createJanusRoutes}. */
export interface JanusRoutesOptions {
  /** The local fleet's Janus, if one runs. */
  endpoint: () => JanusEndpoint | undefined;
  /** Secrets when no local fleet says them (sound on other hosts: the shared secrets file). */
  storedSecrets?: () => Partial<JanusSecrets> | undefined;
  /** Who calls, and which point's mountpoint/room it may use. */
  callers: JanusCallers;
  /** Which beaconed Janus URLs are believed (besides the local fleet's). */
  upstream: Omit<JanusUpstreamOptions, 'localUrl'>;
  /** STUN/TURN servers for the browsers' RTCPeerConnection (default none: LAN only). */
  iceServers?: readonly WebIceServer[];
  /** Map tiles for the editor's and listener's maps (no tile URL: the maps draw a plain grid). */
  map?: { tileUrl: string | undefined; attribution: string };
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY = 64 * 1024;
const SAFE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
} as const;

/**
 * Routes of the listener page's Janus access: `/config.json` (where the GraphQL API and the Janus
 * gateway are, ICE servers, map tiles — no secret), and the **Janus gateway** at `/janus/…` and
 * `/janus/point/<uuid>/…`. The gateway is no pass-through: it resolves the caller (listener token
 * or live-coding watch ticket sent as Janus `token`, or an editor session), lets through only what listening needs — session
 * create/keepalive/destroy and its long poll, attach to streaming/audiobridge, `watch`/`start`/
 * `pause`/`stop` of the caller's mountpoint and `join`/`configure`/`leave` of its room, trickle,
 * detach, hangup — rebuilt field by field, adds the API secret and the pins itself, binds every
 * session id to its caller and point ({@link createSessionBinding}), forwards only to a trusted
 * Janus ({@link chooseJanusUpstream}) without the caller's headers, and answers only JSON with
 * safe headers. Everything else gets a typed refusal: `{ code, message }` (plus a Janus-style
 * `janus: "error"`), HTTP 4xx.
 */
export function createJanusRoutes(options: JanusRoutesOptions): Route[] {
  let binding: { secret: string; binding: SessionBinding } | undefined;
  const secrets = () => resolveJanusAccess(options.endpoint, options.storedSecrets);
  const bindingFor = (secret: string): SessionBinding => {
    if (binding?.secret !== secret) binding = { secret, binding: createSessionBinding(secret) };
    return binding.binding;
  };

  const config: Route = (request, response, pathname) => {
    if (pathname !== '/config.json' || request.method !== 'GET') return false;
    response.writeHead(200, SAFE_HEADERS);
    response.end(
      JSON.stringify({
        graphqlUrl: '/graphql',
        janusUrl: '/janus',
        janusPointUrl: `${JANUS_POINT_PREFIX}{point}`,
        iceServers: [...(options.iceServers ?? [])],
        mapTileUrl: options.map?.tileUrl ?? null,
        mapAttribution: options.map?.attribution ?? '',
      } satisfies WebConfigFile),
    );
    return true;
  };

  const gateway: Route = async (request, response, pathname) => {
    if (pathname !== '/janus' && !pathname.startsWith('/janus/')) return false;
    let transaction: string | undefined;
    try {
      let pathPoint: string | null = null;
      let suffix = pathname.slice('/janus'.length);
      if (pathname.startsWith(JANUS_POINT_PREFIX)) {
        const [uuid = '', ...rest] = pathname.slice(JANUS_POINT_PREFIX.length).split('/');
        if (!UUID.test(uuid))
          throw new GencasterError('INVALID_INPUT', 'expected /janus/point/<stream point uuid>/…');
        pathPoint = uuid.toLowerCase();
        suffix = `/${rest.join('/')}`;
      }
      const target = parseJanusTarget(suffix);
      const query = new URL(request.url ?? '/', 'http://gateway').searchParams;
      let body: unknown;
      let token: string | undefined;
      if (request.method === 'POST') {
        body = await readJsonBody(request);
        const record = body as { token?: unknown; transaction?: unknown };
        token = typeof record.token === 'string' ? record.token : undefined;
        transaction = typeof record.transaction === 'string' ? record.transaction : undefined;
      } else if (request.method === 'GET') {
        if (target.kind !== 'session')
          throw new GencasterError(
            'FORBIDDEN',
            'Janus gateway: only the session long poll is a GET',
          );
        token = query.get('token') ?? undefined;
      } else {
        throw new GencasterError('INVALID_INPUT', 'Janus gateway: only GET and POST');
      }
      const caller = await options.callers.resolve({ request, token, pathPoint });
      const { localUrl, apiSecret } = secrets();
      if (!apiSecret)
        throw new GencasterError('UNAVAILABLE', 'Janus gateway: no Janus is configured here');
      const sessions = bindingFor(apiSecret);
      const owner = `${caller.grant.callerKey}|${caller.grant.pointUuid}`;
      if (target.kind !== 'root' && !sessions.owns(owner, target.sessionId))
        throw new GencasterError('FORBIDDEN', 'Janus gateway: this Janus session is not yours');
      const base = chooseJanusUpstream(caller.point, { ...options.upstream, localUrl });
      const path =
        target.kind === 'root'
          ? ''
          : target.kind === 'session'
            ? `/${target.sessionId}`
            : `/${target.sessionId}/${target.handleId}`;
      if (request.method === 'GET') {
        if (caller.grant.teardownOnly)
          throw new GencasterError(
            'UNAUTHENTICATED',
            'Janus gateway: this listener token or watch ticket holds no stream any more (open the stream again)',
          );
        const maxev = Math.min(Math.max(Number(query.get('maxev')) || 1, 1), 10);
        const url = `${base}${path}?maxev=${maxev}&apisecret=${encodeURIComponent(apiSecret)}`;
        send(response, 200, await upstreamJson(url, undefined, 70_000));
        return true;
      }
      const checked = checkJanusRequest({
        target,
        body,
        grant: caller.grant,
        newSessionId: () => {
          caller.takeSession?.();
          return sessions.issue(owner);
        },
      });
      send(
        response,
        200,
        await upstreamJson(`${base}${path}`, { ...checked, apisecret: apiSecret }, 15_000),
      );
    } catch (error) {
      refuse(response, error, transaction, options.logger);
    }
    return true;
  };
  return [config, gateway];
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY)
    throw new GencasterError('INVALID_INPUT', 'Janus gateway: request body over 64 KiB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      request.destroy();
      throw new GencasterError('INVALID_INPUT', 'Janus gateway: request body over 64 KiB');
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new GencasterError('INVALID_INPUT', 'Janus gateway: the body is not JSON', {
      cause: error,
    });
  }
}

/** Calls Janus and returns its reply as parsed JSON; anything else is UNAVAILABLE. */
async function upstreamJson(
  url: string,
  body: Record<string, unknown> | undefined,
  timeoutMs: number,
): Promise<unknown> {
  let text: string;
  try {
    const answer = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await answer.text();
  } catch (error) {
    // A pending long poll whose connection Janus closes (its session is being destroyed) simply
    // ended without events; a Janus that is down refuses the next poll, which is UNAVAILABLE.
    if (!body && closedAfterConnect(error)) return [];
    throw new GencasterError('UNAVAILABLE', 'Janus gateway: Janus did not answer', {
      cause: error,
    });
  }
  // A long poll of a session destroyed meanwhile ends with an empty answer: no events.
  if (!body && text.trim() === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GencasterError('UNAVAILABLE', 'Janus gateway: Janus answered no JSON', {
      cause: error,
    });
  }
}

function closedAfterConnect(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if ((current as { code?: unknown }).code === 'UND_ERR_SOCKET') return true;
    current = current.cause;
  }
  return false;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, SAFE_HEADERS);
  response.end(JSON.stringify(body));
}

function refuse(
  response: ServerResponse,
  error: unknown,
  transaction: string | undefined,
  logger: JanusRoutesOptions['logger'],
): void {
  const known = isGencasterError(error) ? error : undefined;
  const code = known?.code ?? 'INTERNAL';
  // The error table's code, message and status, in the envelope janus.js reads.
  const { message } = clientErrorJson(code, known?.message ?? '');
  const status = errorTable[code].httpStatus;
  if (status >= 500) logger?.warn({ err: error, code }, 'janus gateway failed');
  else logger?.info({ code, reason: message }, 'janus gateway refused a request');
  if (response.headersSent) {
    response.end();
    return;
  }
  send(response, status, {
    janus: 'error',
    ...(transaction ? { transaction: transaction.slice(0, 64) } : {}),
    error: { code: status, reason: message },
    code,
    message,
  });
}
