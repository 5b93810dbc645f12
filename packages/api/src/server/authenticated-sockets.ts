import type { WebSocket } from 'ws';
import type { PubSub } from '@gencaster/live';
import type { Viewer } from '../auth/viewer.ts';

/** Close code of a socket whose login ended (logout, deactivation, password change). */
export const sessionEndedCloseCode = 4401;

/** Pub/sub topic: the sessions of a user changed; every backend re-checks that user's sockets. */
export const sessionsChangedTopic = 'sessions-changed';

/** Payload of {@link sessionsChangedTopic}. */
export interface SessionsChangedEvent {
  userUuid: string;
}

/** Editors' open WebSockets, re-checked when their sessions change. */
export interface AuthenticatedSockets {
  /** Tracks a socket authenticated as `viewer`; `recheck` resolves its credential again. */
  add(socket: WebSocket, viewer: Viewer, recheck: () => Promise<Viewer | null>): void;
  /**
   * Announces (to every backend through the pub/sub) that a user's sessions changed; each backend
   * closes that user's sockets whose credential no longer resolves to the same account.
   */
  sessionsChanged(userUuid: string): Promise<void>;
  /** Re-checks the sockets of one user (all when undefined) here; resolves with how many closed. */
  recheck(userUuid?: string): Promise<number>;
  close(): void;
}

/** Options of {@link createAuthenticatedSockets}. */
export interface AuthenticatedSocketsOptions {
  pubsub: PubSub;
  /** Every socket is also re-checked this often (changes made outside the API, e.g. the CLI). */
  sweepMs?: number;
  log?: { warn(object: unknown, message?: string): void };
}

/**
 * The registry behind "logout, deactivation and a password change end the open sockets at once":
 * the API publishes {@link sessionsChangedTopic} after such a change, every backend re-resolves the
 * credential of that user's sockets and closes those that no longer hold with
 * {@link sessionEndedCloseCode}. A periodic sweep catches changes made directly in the database.
 */
export function createAuthenticatedSockets(
  options: AuthenticatedSocketsOptions,
): AuthenticatedSockets {
  const sockets = new Map<WebSocket, { viewer: Viewer; recheck: () => Promise<Viewer | null> }>();
  const recheck = async (userUuid?: string) => {
    let closed = 0;
    const checks = [...sockets].filter(
      ([, entry]) => userUuid === undefined || entry.viewer.uuid === userUuid,
    );
    await Promise.all(
      checks.map(async ([socket, entry]) => {
        let current: Viewer | null;
        try {
          current = await entry.recheck();
        } catch (error) {
          options.log?.warn({ err: error }, 'could not re-check a socket session');
          return;
        }
        if (current?.uuid === entry.viewer.uuid && current.role === entry.viewer.role) return;
        sockets.delete(socket);
        closed += 1;
        socket.close(sessionEndedCloseCode, 'session ended');
        setTimeout(() => socket.terminate(), 1000).unref();
      }),
    );
    return closed;
  };
  const events = options.pubsub.subscribe<SessionsChangedEvent>(sessionsChangedTopic);
  void (async () => {
    for await (const event of events) {
      if (typeof event?.userUuid === 'string') await recheck(event.userUuid);
    }
  })();
  const sweep = setInterval(() => void recheck(), options.sweepMs ?? 15_000);
  sweep.unref();
  return {
    add(socket, viewer, check) {
      sockets.set(socket, { viewer, recheck: check });
      socket.once('close', () => sockets.delete(socket));
    },
    async sessionsChanged(userUuid) {
      await recheck(userUuid); // here at once, even while Redis is down
      await options.pubsub.publish(sessionsChangedTopic, {
        userUuid,
      } satisfies SessionsChangedEvent);
    },
    recheck,
    close() {
      clearInterval(sweep);
      void events.return?.();
      sockets.clear();
    },
  };
}
