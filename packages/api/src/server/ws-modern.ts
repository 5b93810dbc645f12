import type { IncomingMessage } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { sessionEndedCloseCode } from './authenticated-sockets.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { ApiContext } from './context.ts';
import { tableGraphQLError, toClientError } from '../errors/error-table.ts';
import { formatResult, prepareOperation } from './operation.ts';
import type { WsEnvironment } from './ws-environment.ts';

/**
 * A `ws` server (noServer) speaking `graphql-transport-ws` through graphql-ws. Authentication
 * happens once per connection (cookie if the Origin may use it, or `authorization: "Bearer …"` in
 * the connection_init payload); each operation gets its own context.
 */
export function createModernWsServer(env: WsEnvironment): {
  wss: WebSocketServer;
  dispose: () => Promise<void>;
} {
  const wss = new WebSocketServer({ noServer: true, maxPayload: env.maxMessageBytes });
  const viewers = new WeakMap<WebSocket, Viewer | null>();
  const active = new WeakMap<WebSocket, Set<string>>();
  const disposable = useServer<
    Record<string, unknown> | undefined,
    { socket: WebSocket; request: IncomingMessage }
  >(
    {
      // Generous: the embedded database runs on the event loop, so a busy backend may read a
      // client's connection_init late.
      connectionInitWaitTimeout: 15_000,
      // Close reasons never carry exception text (graphql-ws puts err.message there otherwise).
      isProd: true,
      onConnect: async (ctx) => {
        const viewer = await env.authenticate(ctx.extra.request, ctx.connectionParams);
        viewers.set(ctx.extra.socket, viewer);
        if (viewer)
          env.sockets.add(ctx.extra.socket, viewer, () =>
            env.authenticate(ctx.extra.request, ctx.connectionParams),
          );
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const socket = ctx.extra.socket;
        const signedIn = viewers.get(socket) ?? null;
        if (signedIn) {
          // The login may have ended since the connection opened (logout, deactivation, password).
          const current = await env.authenticate(ctx.extra.request, ctx.connectionParams);
          if (current?.uuid !== signedIn.uuid || current.role !== signedIn.role) {
            socket.close(sessionEndedCloseCode, 'session ended');
            return [
              tableGraphQLError('UNAUTHENTICATED', 'the login session of this connection ended'),
            ];
          }
        }
        const ids = active.get(socket) ?? new Set<string>();
        active.set(socket, ids);
        if (ids.size >= env.maxSubscriptionsPerSocket) {
          return [
            tableGraphQLError(
              'FORBIDDEN',
              `at most ${env.maxSubscriptionsPerSocket} operations per connection`,
            ),
          ];
        }
        const context: ApiContext = env.createContext({
          viewer: viewers.get(socket) ?? null,
          request: ctx.extra.request,
          connectionClosed: () => socket.readyState !== socket.OPEN,
        });
        const prepared = prepareOperation(env.schema, env.rules, payload, context);
        if ('errors' in prepared) return prepared.errors;
        ids.add(id);
        return prepared.args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result, env.logError),
      onComplete: (ctx, id) => {
        active.get(ctx.extra.socket)?.delete(id);
      },
      onError: (ctx, id, _payload, errors) => {
        active.get(ctx.extra.socket)?.delete(id);
        return errors.map((error) => toClientError(error, env.logError));
      },
    },
    wss,
    env.keepAliveMs,
  );
  return {
    wss,
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      await disposable.dispose();
    },
  };
}
