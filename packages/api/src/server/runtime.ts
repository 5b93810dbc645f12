import type { LiveOptions, LiveRuntime } from '@gencaster/live';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { PasswordCheckQueue } from '../auth/password-check-queue.ts';
import type { ListenerWriteLimiter } from '../auth/listener-write-limiter.ts';
import type { ClientAddressLimiter } from '../auth/client-address-limiter.ts';
import type { AuthenticatedSockets } from './authenticated-sockets.ts';
import type { ApiServices } from './services.ts';

/** Options after defaults were applied: the live runtime's and the API's own. */
export interface ResolvedApiOptions extends LiveOptions {
  /** Public URL prefix of stored media files, e.g. `/media`. */
  mediaUrl: string;
  /** Directory of stored media (uploads go to `<mediaRoot>/audio_files`). */
  mediaRoot: string | undefined;
  /** Where multipart uploads are streamed to while the mutation runs (default: the OS temp dir). */
  uploadTempDir: string | undefined;
  /** Largest file in a multipart upload (audio, graph archives), counted while it streams to disk. */
  maxUploadBytes: number;
  /** Largest JSON (non-multipart) request body, counted while it is read (1 MiB). */
  maxBodyBytes: number;
  /** Stream variables: longest key (characters), longest value (characters), most per stream. */
  streamVariableLimits: {
    maxKeyChars: number;
    maxValueChars: number;
    maxPerStream: number;
    maxPerWrite: number;
  };
  /** Variable writes one listener token may make per second, with a burst of twice as many. */
  listenerWritesPerSecond: number;
  /** `liveCodingPoint` requests (watch tickets) one client address may make per minute (120). */
  liveCodingPointsPerMinute: number;
  maxDepth: number;
  maxCost: number;
  maxSubscriptionsPerSocket: number;
}

/**
 * Long-lived pieces shared by all requests of one API server: the live runtime's sessions, pub/sub
 * and events (built first, see `createLiveRuntime`) and the API's own limiters and sockets.
 */
export interface ApiRuntime extends Pick<
  LiveRuntime,
  'pubsub' | 'events' | 'sessions' | 'plays' | 'sendVariablesToSc'
> {
  options: ResolvedApiOptions;
  services: ApiServices;
  /** The live runtime itself (drain and close). */
  live: LiveRuntime;
  loginLimiter: LoginLimiter;
  /** Password hashing at OWASP cost, a core at a time (logins, password changes). */
  passwordChecks: PasswordCheckQueue;
  /** Rate limit of listeners' variable writes, per listener token. */
  listenerWrites: ListenerWriteLimiter;
  /** Rate limit of anonymous `liveCodingPoint` requests, per client address. */
  liveCodingPoints: ClientAddressLimiter;
  /** Editors' open WebSockets: closed when their session ends. */
  sockets: AuthenticatedSockets;
}
