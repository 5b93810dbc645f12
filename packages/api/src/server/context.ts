import type { DataAccess } from '../data/data-access.ts';
import type { ApiRuntime } from './runtime.ts';

/** Who is calling: an editor/admin account and how it authenticated. */
export interface Viewer {
  uuid: string;
  username: string;
  role: 'admin' | 'editor';
  via: 'cookie' | 'bearer';
  /** The session token when `via` is `cookie` (for logout). */
  sessionToken?: string;
}

/** The per-request (HTTP) or per-operation (WebSocket) context of every resolver. */
export interface ApiContext {
  data: DataAccess;
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
