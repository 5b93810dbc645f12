import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Database } from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import {
  createInProcessPubSub,
  createLiveRuntime,
  type LiveLogger,
  type PubSub,
} from '@gencaster/live';
import { createYoga, type Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { authenticate, originMayUseCookie } from '../auth/authenticate.ts';
import { csrfHeaderName } from '../auth/guards.ts';
import { createListenerWriteLimiter } from '../auth/listener-write-limiter.ts';
import { createClientAddressLimiter } from '../auth/client-address-limiter.ts';
import { createLoginLimiter } from '../auth/login-limiter.ts';
import { createPasswordCheckQueue } from '../auth/password-check-queue.ts';
import { errorResponse, toClientError } from '../errors/error-table.ts';
import { buildApiSchema } from '../schema/build-schema.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { ApiContext } from './context.ts';
import { writeFetchResponse, readBody, BodyTooLargeError } from './node-http.ts';
import { createAuthenticatedSockets } from './authenticated-sockets.ts';
import { createClientAddressResolver } from './client-address.ts';
import { corsHeadersFor, corsOptionsFor } from './cors-policy.ts';
import { sendRefusal } from './http-refusal.ts';
import { createUploadHandler } from './upload-request.ts';
import { createLimitsRule } from './limits.ts';
import { createAliasLimitRule, tokenLimitPlugin, withTypedErrorBody } from './request-guards.ts';
import type { ApiRuntime, ResolvedApiOptions } from './runtime.ts';
import type { ApiServices } from './services.ts';
import { createLegacyWsServer } from './ws-legacy.ts';
import { createModernWsServer } from './ws-modern.ts';
import type { WsEnvironment } from './ws-environment.ts';

/** Minimal logger interface (pino-compatible): the live runtime's. */
export type ApiLogger = LiveLogger;

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
  /**
   * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For/-Proto are believed, for the
   * client address (rate limits, session caps) and HTTPS (Secure cookies). Default: none.
   */
  trustedProxies?: string[];
  /** Redis shared by several backends: login and listener-write limits count there. */
  redisUrl?: string;
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
  uploadTempDir: undefined,
  liveWindowMs: 60_000,
  maxUploadBytes: 256 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxListenerSessionsPerClient: 256,
  unstartedGraceMs: 5_000,
  streamVariableLimits: {
    maxKeyChars: 256,
    maxValueChars: 16_384,
    maxPerStream: 200,
    maxPerWrite: 50,
  },
  listenerWritesPerSecond: 10,
  liveCodingPointsPerMinute: 120,
  maxDepth: 12,
  maxCost: 2000,
  maxSubscriptionsPerSocket: 20,
  reconnectGraceMs: 30_000,
  endScreenGraceMs: 30_000,
  backendId: '',
  engineLeaseMs: 15_000,
  listenerSilentMs: undefined,
};

/** Close code sent to WebSocket clients on drain: 1012 Service Restart, clients reconnect. */
export const drainCloseCode = 1012;

/**
 * Creates the GraphQL API (the original schema, fixed) on a database.
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
  const database = config.database;
  const pubsub = config.pubsub ?? createInProcessPubSub();
  const services = config.services ?? {};
  const limiterRedis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  limiterRedis?.on('error', () => undefined); // the limiters fall back to memory while it is down
  const sockets = createAuthenticatedSockets({ pubsub, ...(log ? { log } : {}) });
  // The live runtime first (sessions, engines, presence), then the API's pieces over it.
  const live = createLiveRuntime({ database, pubsub, options, services, log });
  const runtime: ApiRuntime = {
    options,
    services,
    live,
    pubsub: live.pubsub,
    events: live.events,
    sessions: live.sessions,
    plays: live.plays,
    sendVariablesToSc: (stream, variables) => live.sendVariablesToSc(stream, variables),
    loginLimiter: createLoginLimiter(limiterRedis ? { redis: limiterRedis } : {}),
    passwordChecks: createPasswordCheckQueue(),
    listenerWrites: createListenerWriteLimiter({
      perSecond: options.listenerWritesPerSecond,
      ...(limiterRedis ? { redis: limiterRedis } : {}),
    }),
    liveCodingPoints: createClientAddressLimiter({
      keyPrefix: 'live-coding-points',
      points: options.liveCodingPointsPerMinute,
      durationSeconds: 60,
      message: 'too many live-coding point requests from this address, slow down',
      ...(limiterRedis ? { redis: limiterRedis } : {}),
    }),
    sockets,
  };
  const schema = buildApiSchema();
  const rules = [
    createLimitsRule({ maxDepth: options.maxDepth, maxCost: options.maxCost }),
    createAliasLimitRule(),
  ];

  const clientAddress = createClientAddressResolver(config.trustedProxies ?? []);
  const clientIp = (request: IncomingMessage) => clientAddress(request).ip;
  const isSecure = (request: IncomingMessage) => clientAddress(request).secure;
  /** The viewer of a plain HTTP request from its headers (bearer token, or an allowed cookie). */
  const viewerFromHeaders = (request: IncomingMessage) =>
    authenticate(database, {
      cookieHeader: request.headers.cookie,
      authorizationHeader: request.headers.authorization,
      cookieAllowed: originMayUseCookie(request.headers.origin, request.headers.host, corsOrigins),
    });
  const uploads = createUploadHandler({
    schema,
    rules,
    logError,
    maxFileBytes: options.maxUploadBytes,
    ...(options.uploadTempDir ? { tempDir: options.uploadTempDir } : {}),
    authenticate: viewerFromHeaders,
    hasCsrfHeader: (request) => request.headers[csrfHeaderName] !== undefined,
    createContext: (request, viewer) =>
      baseContext({
        viewer,
        request,
        transport: 'http',
        csrfVerified: true,
        setCookie: () => undefined,
      }),
    corsHeaders: (request) => corsHeadersFor(request.headers.origin, corsOrigins),
  });

  const baseContext = (input: {
    viewer: Viewer | null;
    request: IncomingMessage;
    transport: 'http' | 'ws';
    csrfVerified: boolean;
    setCookie: (cookie: string) => void;
    connectionClosed?: () => boolean;
  }): ApiContext => ({
    database,
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
    cors: (request) => corsOptionsFor(request.headers.get('origin'), corsOrigins),
    maskedErrors: { maskError: (error) => toClientError(error, logError) },
    plugins: [cookiePlugin, limitsPlugin, tokenLimitPlugin],
    context: async ({ request, nodeRequest }) => {
      const cookieAllowed = originMayUseCookie(
        request.headers.get('origin'),
        request.headers.get('host'),
        corsOrigins,
      );
      const viewer = await authenticate(database, {
        cookieHeader: request.headers.get('cookie'),
        authorizationHeader: request.headers.get('authorization'),
        cookieAllowed,
      });
      const csrfVerified = viewer?.via !== 'cookie' || request.headers.has(csrfHeaderName);
      // A plain link or an EventSource can send the cookie but no header: cookie-authenticated
      // reads over GET and subscriptions over SSE need the CSRF header like writes do.
      const streamOrGet =
        request.method === 'GET' ||
        (request.headers.get('accept') ?? '').includes('text/event-stream');
      if (!csrfVerified && streamOrGet) {
        throw new GencasterError(
          'FORBIDDEN',
          `cookie-authenticated GET and SSE requests need the ${csrfHeaderName} header`,
        );
      }
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
      return authenticate(database, {
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
    sockets,
  };
  /** Open WebSockets per client address (listeners' sessions are capped separately). */
  const socketsPerClient = new Map<string, number>();
  const maxSocketsPerClient = options.maxListenerSessionsPerClient * 2 + 8;
  const modern = createModernWsServer(wsEnvironment);
  const legacy = createLegacyWsServer(wsEnvironment);
  const attached = new Set<Server>();
  let closing: Promise<void> | undefined;
  let draining = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      return;
    }
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
    const ip = clientIp(request);
    const open = socketsPerClient.get(ip) ?? 0;
    if (open >= maxSocketsPerClient) {
      const refused = errorResponse(
        'RATE_LIMITED',
        `at most ${maxSocketsPerClient} WebSockets per client address`,
      );
      const body = JSON.stringify(refused.body);
      socket.end(
        `HTTP/1.1 ${refused.status} Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    socketsPerClient.set(ip, open + 1);
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      const left = (socketsPerClient.get(ip) ?? 1) - 1;
      if (left <= 0) socketsPerClient.delete(ip);
      else socketsPerClient.set(ip, left);
    };
    socket.once('close', uncount);
    // Cross-site pages may connect (anonymous listeners); their cookies are ignored in authenticate.
    target.handleUpgrade(request, socket, head, (ws) => {
      ws.once('close', uncount);
      target.emit('connection', ws, request);
    });
  };

  return {
    runtime,
    viewerOf: viewerFromHeaders,
    async handler(request, response) {
      const contentType = (request.headers['content-type'] ?? '').toLowerCase();
      if (request.method === 'POST' && contentType.startsWith('multipart/')) {
        await uploads(request, response);
        return;
      }
      try {
        let url: URL;
        try {
          url = new URL(request.url ?? '/graphql', 'http://localhost');
        } catch {
          sendRefusal(response, { code: 'INVALID_INPUT', message: 'bad request URL' });
          return;
        }
        const body = await readBody(request, options.maxBodyBytes);
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
          sendRefusal(response, {
            status: 413,
            code: 'INVALID_INPUT',
            message: `request bodies are limited to ${options.maxBodyBytes} bytes (uploads: multipart)`,
            close: true,
            headers: corsHeadersFor(request.headers.origin, corsOrigins),
          });
          return;
        }
        logError(error);
        sendRefusal(response, { code: 'INTERNAL', message: 'Unexpected error.' });
      }
    },
    attachWebSocket(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },
    async drain() {
      draining = true;
      await live.drain();
      for (const wss of [modern.wss, legacy.wss])
        for (const client of wss.clients)
          client.close(drainCloseCode, 'backend draining: reconnect');
    },
    close() {
      closing ??= (async () => {
        for (const server of attached) server.off('upgrade', onUpgrade);
        await live.close();
        await Promise.all([modern.dispose(), legacy.dispose()]);
        sockets.close();
        limiterRedis?.disconnect();
        await pubsub.close();
      })();
      return closing;
    },
  };
}
