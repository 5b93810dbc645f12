import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { PasswordCheckQueue } from '../auth/password-check-queue.ts';
import type { ListenerWriteLimiter } from '../auth/listener-write-limiter.ts';
import type { ClientAddressLimiter } from '../auth/client-address-limiter.ts';
import type { AuthenticatedSockets } from './authenticated-sockets.ts';
import type { StreamShape } from '../data/shapes.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { ApiServices } from './services.ts';
import type { ApiEvents } from './events.ts';
import type { ApiContext } from './context.ts';
import type { StreamInfoResponse } from '../schema/types-results.ts';
import type { PlaySessions } from '../play/play-sessions.ts';

/** Options after defaults were applied. */
export interface ResolvedApiOptions {
  /** Public URL prefix of stored media files, e.g. `/media`. */
  mediaUrl: string;
  /** Directory of stored media (uploads go to `<mediaRoot>/audio_files`). */
  mediaRoot: string | undefined;
  /** Where multipart uploads are streamed to while the mutation runs (default: the OS temp dir). */
  uploadTempDir: string | undefined;
  /** A stream point is live when its last beacon is at most this old (60 s). */
  liveWindowMs: number;
  /** Largest file in a multipart upload (audio, graph archives), counted while it streams to disk. */
  maxUploadBytes: number;
  /** Largest JSON (non-multipart) request body, counted while it is read (1 MiB). */
  maxBodyBytes: number;
  /** Anonymous listener sessions one client address may hold on this backend (256). */
  maxListenerSessionsPerClient: number;
  /**
   * Reconnect grace of a session that never started listening (5 s): a page that got a stream but
   * never played it gives the point back sooner than {@link reconnectGraceMs}.
   */
  unstartedGraceMs: number;
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
  /** How long a listener who lost the connection keeps stream and engine position. */
  reconnectGraceMs: number;
  /**
   * How long a listener on the end screen (after GraphDeadEnd) keeps its stream before it is
   * released for the next listener; leaving the page (the subscription's complete) releases it
   * at once.
   */
  endScreenGraceMs: number;
  /** This backend's id in engine leases (default: host, pid and a random suffix). */
  backendId: string;
  /** Engine lease duration; a crashed backend's engines move after at most this long (15 s). */
  engineLeaseMs: number;
  /**
   * A listener row nobody stamped for this long is dropped (its backend died and it did not
   * resume elsewhere). Default: the reconnect grace (at least 15 s) plus two stamp intervals.
   */
  listenerSilentMs: number | undefined;
}

/** The listener sessions of this process (see `session/`). */
export interface ListenerSessions {
  /** Starts (or, with the token of a session in its grace period, resumes) a listener session. */
  open(input: {
    graphUuid: string;
    ctx: ApiContext;
    listenerToken?: string | null;
  }): AsyncIterableIterator<StreamInfoResponse>;
  /** Stream uuid of the running session with this listener token. */
  streamForToken(token: string): Promise<string | undefined>;
  releaseBlockingNode(streamUuid: string): Promise<boolean>;
  /**
   * Ends the sessions that hold `streamUuid` (admin action): each gets a GraphDeadEnd and
   * completes, its engine stops, the listener leaves; other backends are told through the pub/sub.
   * Resolves with how many ended here.
   */
  endStream(streamUuid: string): Promise<number>;
  /** Ends every session (server shutdown): each leave is counted once. */
  close(): Promise<void>;
  /**
   * Hands every session over to other backends (graceful drain): engines stop and release their
   * leases, nobody leaves a stream, new sessions get NoStreamAvailable.
   */
  drain(): Promise<void>;
  /** Listener ids of the sessions this process holds, in their grace period too (presence). */
  heldListenerIds(): string[];
  /**
   * Marks the session of this token as listening (its audio started: the Janus gateway saw its
   * `watch`, or it wrote a variable); sessions never marked keep only `unstartedGraceMs` of grace.
   */
  markListening(token: string): void;
}

/** Long-lived pieces shared by all requests of one API server. */
export interface ApiRuntime {
  options: ResolvedApiOptions;
  services: ApiServices;
  pubsub: PubSub;
  events: ApiEvents;
  sessions: ListenerSessions;
  /** Editors' play sessions (`playGraph`). */
  plays: PlaySessions;
  loginLimiter: LoginLimiter;
  /** Password hashing at OWASP cost, a core at a time (logins, password changes). */
  passwordChecks: PasswordCheckQueue;
  /** Rate limit of listeners' variable writes, per listener token. */
  listenerWrites: ListenerWriteLimiter;
  /** Rate limit of anonymous `liveCodingPoint` requests, per client address. */
  liveCodingPoints: ClientAddressLimiter;
  /** Editors' open WebSockets: closed when their session ends. */
  sockets: AuthenticatedSockets;
  /** Sends stream variables marked streamToSc to the stream's point, values as data. */
  sendVariablesToSc(
    stream: StreamShape,
    variables: { key: string; value: string }[],
  ): Promise<void>;
}
