import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Database } from '@gencaster/db';
import { createYoga, type Plugin } from 'graphql-yoga';
import { authenticate, originMayUseCookie } from '../auth/authenticate.ts';
import { csrfHeaderName } from '../auth/guards.ts';
import { createRateLimiter } from '../auth/rate-limiter.ts';
import { createDbDataAccess } from '../data/db-data-access.ts';
import type { DataAccess } from '../data/data-access.ts';
import { toClientError } from '../errors/error-table.ts';
import { createInProcessPubSub, type PubSub } from '../pubsub/pubsub.ts';
import { buildApiSchema } from '../schema/build-schema.ts';
import { createListenerSessions } from '../session/listener-sessions.ts';
import { createPlaySessions } from '../play/play-sessions.ts';
import { presenceTiming, startListenerPresence } from '../session/listener-presence.ts';
import type { ApiContext, Viewer } from './context.ts';
import { createApiEvents } from './events.ts';
import { writeFetchResponse, readBody, BodyTooLargeError } from './node-http.ts';
import { createLimitsRule } from './limits.ts';
import { createAliasLimitRule, tokenLimitPlugin, withTypedErrorBody } from './request-guards.ts';
import type { ApiRuntime, ResolvedApiOptions } from './runtime.ts';
import type { ApiServices } from './services.ts';
import { createLegacyWsServer } from './ws-legacy.ts';
import { createModernWsServer } from './ws-modern.ts';
import type { WsEnvironment } from './ws-environment.ts';

/** Minimal logger interface (pino-compatible). */
export interface ApiLogger {
  info(object: unknown, message?: string): void;
  warn(object: unknown, message?: string): void;
  error(object: unknown, message?: string): void;
}

/** Options of {@link createApiServer}. */
export interface ApiServerOptions {
  database: Database;
  /** Default: in-process. Pass `createRedisPubSub({ url: REDIS_URL })` when several backends run. */
  pubsub?: PubSub;
  services?: ApiServices;
  /** Browser origins allowed by CORS (and to use the session cookie), e.g. `http://127.0.0.1:3000`. */
  corsOrigins?: string[];
  /** Development: GraphiQL at GET /graphql. */
  dev?: boolean;
  logger?: ApiLogger;
  /** Overrides of limits and paths; see {@link ResolvedApiOptions}. */
  options?: Partial<ResolvedApiOptions>;
  /** Trust X-Forwarded-For/-Proto (behind a reverse proxy). */
  trustProxy?: boolean;
}

/** A running GraphQL API: mount `handler` at /graphql and call `attachWebSocket` on the server. */
export interface ApiServer {
  /** node:http handler for `/graphql` (POST, GET, OPTIONS; GraphiQL in dev). */
  handler(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Answers WebSocket upgrades at /graphql: `graphql-transport-ws` and legacy `graphql-ws`. */
  attachWebSocket(server: Server): void;
  /** Runtime pieces (for the backend's OSC wiring and tests). */
  runtime: ApiRuntime;
  /**
   * The editor/admin calling with this plain HTTP request (bearer token, or the session cookie when
   * its Origin may use it), null for anyone else; used by the backend's Janus gateway.
   */
  viewerOf(request: IncomingMessage): Promise<Viewer | null>;
  /**
   * Graceful drain: refuses new WebSocket connections, hands listener sessions over (engines stop
   * and release their leases, streams stay), then closes every socket with close code 1012 so that
   * clients reconnect with their listener token (through the proxy, to another backend).
   */
  drain(): Promise<void>;
  /** Ends listener sessions (each leave counted once), closes sockets and the pub/sub. */
  close(): Promise<void>;
}

const defaults: ResolvedApiOptions = {
  mediaUrl: '/media',
  mediaRoot: undefined,
  liveWindowMs: 60_000,
  maxUploadBytes: 256 * 1024 * 1024,
  maxBodyBytes: 257 * 1024 * 1024,
  maxDepth: 12,
  maxCost: 2000,
  maxSubscriptionsPerSocket: 20,
  reconnectGraceMs: 30_000,
  backendId: '',
  engineLeaseMs: 15_000,
  listenerSilentMs: undefined,
};

/** Close code sent to WebSocket clients on drain: 1012 Service Restart, clients reconnect. */
export const drainCloseCode = 1012;

/**
 * Creates the GraphQL API (inventory §4) on a database.
 *
 * @example
 * const api = createApiServer({ database, services: { engineFactory, checkSyntax }, corsOrigins });
 * const server = createServer((req, res) => void api.handler(req, res));
 * api.attachWebSocket(server);
 */
export function createApiServer(config: ApiServerOptions): ApiServer {
  const options: ResolvedApiOptions = {
    ...defaults,
    backendId: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    ...config.options,
  };
  const log = config.logger;
  const logError = (error: unknown) => log?.error({ err: error }, 'unexpected GraphQL error');
  const corsOrigins = config.corsOrigins ?? [];
  const data: DataAccess = createDbDataAccess(config.database);
  const pubsub = config.pubsub ?? createInProcessPubSub();
  const services = config.services ?? {};
  const events = createApiEvents(pubsub);
  const runtime: ApiRuntime = {
    options,
    services,
    pubsub,
    events,
    loginLimiter: createRateLimiter({ maxFailures: 10, windowMs: 5 * 60_000 }),
    sessions: undefined as never,
    plays: undefined as never,
    async sendVariablesToSc(stream, variables) {
      if (!services.sendStreamVariable) return;
      const point = await data.getStreamPoint(stream.streamPointUuid);
      if (!point) return;
      for (const variable of variables) {
        await services.sendStreamVariable({
          point: { host: point.host, port: point.port },
          key: variable.key,
          value: variable.value,
        });
      }
    },
  };
  runtime.sessions = createListenerSessions({ database: config.database, data, runtime, log });
  runtime.plays = createPlaySessions({ database: config.database, data, runtime, log });
  const stopPresence = startListenerPresence({
    database: config.database,
    heldListenerIds: () => [
      ...runtime.sessions.heldListenerIds(),
      ...runtime.plays.heldListenerIds(),
    ],
    ...presenceTiming(options.reconnectGraceMs, options.listenerSilentMs),
    onDropped: () => events.streamsChanged(),
    log,
  });
  const schema = buildApiSchema();
  const rules = [
    createLimitsRule({ maxDepth: options.maxDepth, maxCost: options.maxCost }),
    createAliasLimitRule(),
  ];

  const clientIp = (request: IncomingMessage) => {
    const forwarded = config.trustProxy ? request.headers['x-forwarded-for'] : undefined;
    const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
    return first ?? request.socket.remoteAddress ?? 'unknown';
  };
  const isSecure = (request: IncomingMessage) =>
    (config.trustProxy === true && request.headers['x-forwarded-proto'] === 'https') ||
    'encrypted' in request.socket;

  const baseContext = (input: {
    viewer: Viewer | null;
    request: IncomingMessage;
    transport: 'http' | 'ws';
    csrfVerified: boolean;
    setCookie: (cookie: string) => void;
    connectionClosed?: () => boolean;
  }): ApiContext => ({
    data,
    runtime,
    viewer: input.viewer,
    transport: input.transport,
    csrfVerified: input.csrfVerified,
    clientIp: clientIp(input.request),
    secure: isSecure(input.request),
    setCookie: input.setCookie,
    ...(input.connectionClosed ? { connectionClosed: input.connectionClosed } : {}),
  });

  const cookiesToSet = new WeakMap<Request, string[]>();
  const cookiePlugin: Plugin = {
    onResponse({ request, response }) {
      for (const cookie of cookiesToSet.get(request) ?? [])
        response.headers.append('set-cookie', cookie);
    },
  };
  const limitsPlugin: Plugin = {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };

  const yoga = createYoga<{ nodeRequest: IncomingMessage }, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.dev === true,
    landingPage: false,
    logging: false,
    // unique (huge) documents would fill a per-document cache: parsing is cheap with the token limit
    parserAndValidationCache: false,
    cors: {
      origin: corsOrigins,
      credentials: true,
      allowedHeaders: ['content-type', 'authorization', csrfHeaderName, 'x-graphql-yoga-csrf'],
      methods: ['GET', 'POST', 'OPTIONS'],
    },
    maskedErrors: { maskError: (error) => toClientError(error, logError) },
    plugins: [cookiePlugin, limitsPlugin, tokenLimitPlugin],
    context: async ({ request, nodeRequest }) => {
      const cookieAllowed = originMayUseCookie(
        request.headers.get('origin'),
        request.headers.get('host'),
        corsOrigins,
      );
      const viewer = await authenticate(data, {
        cookieHeader: request.headers.get('cookie'),
        authorizationHeader: request.headers.get('authorization'),
        cookieAllowed,
      });
      const csrfVerified = viewer?.via !== 'cookie' || request.headers.has(csrfHeaderName);
      return baseContext({
        viewer,
        request: nodeRequest,
        transport: 'http',
        csrfVerified,
        setCookie: (cookie) =>
          cookiesToSet.set(request, [...(cookiesToSet.get(request) ?? []), cookie]),
      });
    },
  });

  const wsEnvironment: WsEnvironment = {
    schema,
    rules,
    maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket,
    maxMessageBytes: 1024 * 1024,
    keepAliveMs: 12_000,
    logError,
    authenticate: (request, params) => {
      const fromParams = params?.authorization ?? params?.Authorization;
      return authenticate(data, {
        cookieHeader: request.headers.cookie,
        authorizationHeader:
          typeof fromParams === 'string' ? fromParams : request.headers.authorization,
        cookieAllowed: originMayUseCookie(
          request.headers.origin,
          request.headers.host,
          corsOrigins,
        ),
      });
    },
    createContext: ({ viewer, request, connectionClosed }) =>
      baseContext({
        viewer,
        request,
        transport: 'ws',
        csrfVerified: true,
        setCookie: () => undefined,
        connectionClosed,
      }),
  };
  const modern = createModernWsServer(wsEnvironment);
  const legacy = createLegacyWsServer(wsEnvironment);
  const attached = new Set<Server>();
  let closing: Promise<void> | undefined;
  let draining = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/graphql') return;
    if (draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\ndraining\r\n');
      return;
    }
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const target = offered.includes('graphql-transport-ws')
      ? modern.wss
      : offered.includes('graphql-ws')
        ? legacy.wss
        : undefined;
    if (!target) {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\nunsupported WebSocket subprotocol\r\n',
      );
      return;
    }
    // Cross-site pages may connect (anonymous listeners); their cookies are ignored in authenticate.
    target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
  };

  return {
    runtime,
    viewerOf: (request) =>
      authenticate(data, {
        cookieHeader: request.headers.cookie,
        authorizationHeader: request.headers.authorization,
        cookieAllowed: originMayUseCookie(request.headers.origin, request.headers.host, corsOrigins),
      }),
    async handler(request, response) {
      try {
        const body = await readBody(request, options.maxBodyBytes);
        const url = new URL(
          request.url ?? '/graphql',
          `http://${request.headers.host ?? 'localhost'}`,
        );
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        }
        const init: RequestInit = { method: request.method ?? 'GET', headers };
        if (body !== undefined)
          init.body = new Uint8Array(
            body.buffer,
            body.byteOffset,
            body.byteLength,
          ) as Uint8Array<ArrayBuffer>;
        const fetchResponse = await withTypedErrorBody(
          await yoga.fetch(url, init, { nodeRequest: request }),
        );
        await writeFetchResponse(fetchResponse, response);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
          response.end(
            JSON.stringify({
              errors: [{ message: error.message, extensions: { code: 'INVALID_INPUT' } }],
            }),
          );
          return;
        }
        throw error;
      }
    },
    attachWebSocket(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },
    async drain() {
      draining = true;
      await runtime.sessions.drain();
      for (const wss of [modern.wss, legacy.wss])
        for (const client of wss.clients)
          client.close(drainCloseCode, 'backend draining: reconnect');
    },
    close() {
      closing ??= (async () => {
        for (const server of attached) server.off('upgrade', onUpgrade);
        await stopPresence();
        await runtime.sessions.close();
        await runtime.plays.close();
        await Promise.all([modern.dispose(), legacy.dispose()]);
        await pubsub.close();
      })();
      return closing;
    },
  };
}
