import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { ErrorLogger } from '../errors/error-table.ts';
import type { AuthenticatedSockets } from './authenticated-sockets.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { ApiContext } from './context.ts';

/** What both WebSocket protocol servers need from the API server. */
export interface WsEnvironment {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  maxSubscriptionsPerSocket: number;
  maxMessageBytes: number;
  keepAliveMs: number;
  logError: ErrorLogger;
  /** Resolves the viewer of a connection from its upgrade request and init payload. */
  authenticate(
    request: IncomingMessage,
    connectionParams: Record<string, unknown> | undefined,
  ): Promise<Viewer | null>;
  /** Editors' sockets: closed when their session ends; each operation re-checks the session. */
  sockets: AuthenticatedSockets;
  /** A context for one operation on a connection. */
  createContext(input: {
    viewer: Viewer | null;
    request: IncomingMessage;
    connectionClosed: () => boolean;
  }): ApiContext;
}
