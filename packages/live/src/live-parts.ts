import type { Database } from '@gencaster/db';
import type { LiveEvents } from './live-events.ts';
import type { LiveLogger } from './live-logger.ts';
import type { LiveOptions } from './live-options.ts';
import type { LiveServices } from './live-services.ts';
import type { PubSub } from './pubsub/pubsub.ts';

/**
 * What listener sessions, engines and play sessions are built on: the pieces made before them, so
 * the runtime is put together in one direction (no object holding what is built from it).
 */
export interface LiveParts {
  database: Database;
  options: LiveOptions;
  services: LiveServices;
  pubsub: PubSub;
  events: LiveEvents;
  log: LiveLogger | undefined;
}
