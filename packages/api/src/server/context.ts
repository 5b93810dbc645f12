import type { Database } from '@gencaster/db';
import type { Viewer } from '../auth/viewer.ts';
import type { ApiRuntime } from './runtime.ts';

/** The per-request (HTTP) or per-operation (WebSocket) context of every resolver. */
export interface ApiContext {
  /** The database; resolvers call the `@gencaster/db` repositories on it. */
  database: Database;
  runtime: ApiRuntime;
  viewer: Viewer | null;
  transport: 'http' | 'ws';
  /**
   * False only for an HTTP request authenticated by cookie that lacks the CSRF header; such a
   * request may read but not mutate.
   */
  csrfVerified: boolean;
  clientIp: string;
  /** Queues a Set-Cookie header on the HTTP response (no-op over WebSocket). */
  setCookie(cookie: string): void;
  /** True when the request arrived over TLS (directly or via X-Forwarded-Proto). */
  secure: boolean;
  /** WebSocket operations: true once the connection is closing/closed (vs. a client `complete`). */
  connectionClosed?: () => boolean;
}
