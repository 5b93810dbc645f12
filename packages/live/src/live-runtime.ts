import { findStreamPoint, type Database } from '@gencaster/db';
import { createLiveEvents, type LiveEvents } from './live-events.ts';
import type { LiveLogger } from './live-logger.ts';
import type { LiveOptions } from './live-options.ts';
import type { LiveParts } from './live-parts.ts';
import type { LiveServices } from './live-services.ts';
import type { LiveStream } from './listener-message.ts';
import { createPlaySessions, type PlaySessions } from './play/play-sessions.ts';
import type { PubSub } from './pubsub/pubsub.ts';
import { createListenerSessions, type ListenerSessions } from './session/listener-sessions.ts';
import { presenceTiming, startListenerPresence } from './session/listener-presence.ts';

/** Options of {@link createLiveRuntime}. */
export interface LiveRuntimeOptions {
  database: Database;
  /** The pub/sub shared with the other backends; it belongs to the caller (closed by it). */
  pubsub: PubSub;
  options: LiveOptions;
  services?: LiveServices;
  log?: LiveLogger | undefined;
}

/** The live-stream runtime of one backend: listener and play sessions on one pub/sub. */
export interface LiveRuntime {
  options: LiveOptions;
  services: LiveServices;
  pubsub: PubSub;
  events: LiveEvents;
  /** Listeners' sessions (assignment, engines, grace periods). */
  sessions: ListenerSessions;
  /** Editors' play sessions. */
  plays: PlaySessions;
  /** Sends stream variables marked streamToSc to the stream's point, values as data. */
  sendVariablesToSc(stream: LiveStream, variables: { key: string; value: string }[]): Promise<void>;
  /** Hands the listener sessions over to other backends (graceful drain, see `ListenerSessions`). */
  drain(): Promise<void>;
  /** Stops the presence stamps and ends every listener and play session (the pub/sub stays open). */
  close(): Promise<void>;
}

/**
 * Builds the live runtime in one direction: events on the pub/sub, then the listener and play
 * sessions on those parts, then the presence stamps over the ids both hold.
 *
 * @example
 * const live = createLiveRuntime({ database, pubsub: createInProcessPubSub(), options, services });
 * for await (const message of live.sessions.open({ graphUuid, clientIp: '127.0.0.1' })) …
 */
export function createLiveRuntime(config: LiveRuntimeOptions): LiveRuntime {
  const { database, pubsub, options } = config;
  const services = config.services ?? {};
  const log = config.log;
  const events = createLiveEvents(pubsub);
  const parts: LiveParts = { database, options, services, pubsub, events, log };
  const sessions = createListenerSessions(parts);
  const plays = createPlaySessions(parts);
  const stopPresence = startListenerPresence({
    database,
    heldListenerIds: () => [...sessions.heldListenerIds(), ...plays.heldListenerIds()],
    ...presenceTiming(options.reconnectGraceMs, options.listenerSilentMs),
    onDropped: () => events.streamsChanged(),
    log,
  });
  return {
    options,
    services,
    pubsub,
    events,
    sessions,
    plays,
    async sendVariablesToSc(stream, variables) {
      if (!services.sendStreamVariable) return;
      const point = await findStreamPoint(database, stream.streamPointUuid);
      if (!point) return;
      for (const variable of variables) {
        await services.sendStreamVariable({
          point: { host: point.host, port: point.port },
          key: variable.key,
          value: variable.value,
        });
      }
    },
    drain: () => sessions.drain(),
    async close() {
      await stopPresence();
      await sessions.close();
      await plays.close();
    },
  };
}
