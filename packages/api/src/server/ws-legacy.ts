import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { clientErrorJson, toClientError } from '../errors/error-table.ts';
import { sessionEndedCloseCode } from './authenticated-sockets.ts';
import type { Viewer } from '../auth/viewer.ts';
import {
  formatResult,
  prepareOperation,
  runOperation,
  type OperationPayload,
} from './operation.ts';
import type { WsEnvironment } from './ws-environment.ts';

interface LegacyMessage {
  type?: unknown;
  id?: unknown;
  payload?: unknown;
}

/**
 * The legacy `subscriptions-transport-ws` protocol (subprotocol `graphql-ws`) that the original
 * clients speak: connection_init → connection_ack (+ `ka` keep-alives), start/stop per operation id,
 * data/error/complete back, connection_terminate. Same auth, limits and error mapping as the modern
 * protocol.
 */
export function createLegacyWsServer(env: WsEnvironment): {
  wss: WebSocketServer;
  dispose: () => Promise<void>;
} {
  const wss = new WebSocketServer({ noServer: true, maxPayload: env.maxMessageBytes });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    handleConnection(env, socket, request);
  });
  return {
    wss,
    dispose: async () => {
      const closed = [...wss.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            client.once('close', () => resolve());
            client.close(1001, 'Going away');
            setTimeout(() => {
              client.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function handleConnection(env: WsEnvironment, socket: WebSocket, request: IncomingMessage): void {
  const operations = new Map<string, AsyncIterableIterator<ExecutionResult> | null>();
  let viewer: Viewer | null | undefined;
  let initParams: Record<string, unknown> | undefined;
  let initialised: Promise<void> | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const send = (message: Record<string, unknown>) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const stop = async (id: string) => {
    const iterator = operations.get(id);
    operations.delete(id);
    if (iterator) await iterator.return?.();
  };
  const initTimeout = setTimeout(() => {
    if (initialised === undefined) socket.close(4408, 'Connection initialisation timeout');
  }, 10_000);

  socket.on('close', () => {
    clearTimeout(initTimeout);
    if (keepAlive) clearInterval(keepAlive);
    for (const id of [...operations.keys()]) void stop(id);
  });

  socket.on('message', (raw: RawData) => {
    let message: LegacyMessage;
    try {
      message = JSON.parse(
        Buffer.isBuffer(raw)
          ? raw.toString('utf8')
          : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString('utf8'),
      ) as LegacyMessage;
    } catch {
      send({ type: 'connection_error', payload: clientErrorJson('INVALID_INPUT', 'invalid JSON') });
      return;
    }
    switch (message.type) {
      case 'connection_init': {
        if (initialised) return;
        const params = (message.payload ?? undefined) as Record<string, unknown> | undefined;
        initParams = params;
        initialised = env.authenticate(request, params).then(
          (resolved) => {
            viewer = resolved;
            if (resolved)
              env.sockets.add(socket, resolved, () => env.authenticate(request, params));
            send({ type: 'connection_ack' });
            send({ type: 'ka' });
            keepAlive = setInterval(() => send({ type: 'ka' }), env.keepAliveMs);
          },
          () => {
            send({
              type: 'connection_error',
              payload: clientErrorJson('UNAUTHENTICATED', 'authentication failed'),
            });
            socket.close(4403, 'Forbidden');
          },
        );
        return;
      }
      case 'start': {
        const id =
          typeof message.id === 'string' || typeof message.id === 'number'
            ? String(message.id)
            : '';
        void start(id, message.payload as OperationPayload);
        return;
      }
      case 'stop': {
        const id =
          typeof message.id === 'string' || typeof message.id === 'number'
            ? String(message.id)
            : '';
        void stop(id).then(() => send({ type: 'complete', id }));
        return;
      }
      case 'connection_terminate':
        socket.close(1000, 'Normal Closure');
        return;
      default:
        send({
          type: 'error',
          id: message.id,
          payload: clientErrorJson('INVALID_INPUT', `unknown message type ${String(message.type)}`),
        });
    }
  });

  const start = async (id: string, payload: OperationPayload) => {
    if (!initialised) {
      send({
        type: 'error',
        id,
        payload: clientErrorJson('INVALID_INPUT', 'connection_init first'),
      });
      return;
    }
    await initialised;
    if (viewer) {
      // The login may have ended since the connection opened (logout, deactivation, password).
      const current = await env.authenticate(request, initParams);
      if (current?.uuid !== viewer.uuid || current.role !== viewer.role) {
        send({
          type: 'error',
          id,
          payload: [
            clientErrorJson('UNAUTHENTICATED', 'the login session of this connection ended'),
          ],
        });
        socket.close(sessionEndedCloseCode, 'session ended');
        return;
      }
    }
    if (operations.has(id)) await stop(id);
    if (operations.size >= env.maxSubscriptionsPerSocket) {
      send({
        type: 'error',
        id,
        payload: clientErrorJson(
          'FORBIDDEN',
          `at most ${env.maxSubscriptionsPerSocket} operations per connection`,
        ),
      });
      return;
    }
    if (typeof payload?.query !== 'string') {
      send({
        type: 'error',
        id,
        payload: clientErrorJson('INVALID_INPUT', 'payload.query missing'),
      });
      return;
    }
    const context = env.createContext({
      viewer: viewer ?? null,
      request,
      connectionClosed: () => socket.readyState !== socket.OPEN,
    });
    const prepared = prepareOperation(env.schema, env.rules, payload, context);
    if ('errors' in prepared) {
      send({ type: 'error', id, payload: prepared.errors.map((error) => error.toJSON()) });
      return;
    }
    operations.set(id, null);
    const result = await runOperation(prepared.args, prepared.kind);
    if (!operations.has(id)) {
      if (Symbol.asyncIterator in result) await result.return?.();
      return;
    }
    if (!(Symbol.asyncIterator in result)) {
      operations.delete(id);
      send({ type: 'data', id, payload: formatResult(result, env.logError) });
      send({ type: 'complete', id });
      return;
    }
    operations.set(id, result);
    try {
      for await (const item of result) {
        if (!operations.has(id)) break;
        send({ type: 'data', id, payload: formatResult(item, env.logError) });
      }
    } catch (error) {
      // Mapped like every other error: a code and a safe message, never exception text.
      send({ type: 'error', id, payload: toClientError(error, env.logError).toJSON() });
    }
    if (operations.delete(id)) send({ type: 'complete', id });
  };
}
