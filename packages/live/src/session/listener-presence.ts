import { dropSilentListeners, touchListeners, type Database } from '@gencaster/db';
import type { LiveLogger } from '../live-logger.ts';

/** Options of {@link startListenerPresence}. */
export interface ListenerPresenceOptions {
  database: Database;
  /** Listener ids this backend holds now (listener and play sessions, grace periods included). */
  heldListenerIds: () => string[];
  /** How often to stamp them and sweep for silent ones. */
  intervalMs: number;
  /** A row nobody stamped for this long is dropped. */
  silentMs: number;
  /** Called after a sweep dropped rows (counts changed). */
  onDropped: () => Promise<void>;
  log: LiveLogger | undefined;
}

/**
 * Stamps the listeners this backend holds and drops listener rows nobody stamps any more: a
 * backend that died takes its stamps with it, so its listeners' rows go once their reconnect grace
 * is over (unless they resumed elsewhere). Keeps shared-stream counts exact after crashes, which
 * the engine-lease sweep cannot. Returns a function that stops it (and stamps once more).
 */
export function startListenerPresence(options: ListenerPresenceOptions): () => Promise<void> {
  const { database, log } = options;
  let busy: Promise<void> | undefined;
  const tick = async () => {
    await touchListeners(database, options.heldListenerIds());
    const dropped = await dropSilentListeners(database, { silentMs: options.silentMs });
    if (dropped.length === 0) return;
    log?.info(
      { listeners: dropped.length, released: dropped.filter((row) => row.released).length },
      'dropped listeners whose backend stopped stamping them',
    );
    await options.onDropped();
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = tick()
      .catch((error: unknown) => log?.warn({ err: error }, 'listener presence sweep failed'))
      .finally(() => {
        busy = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await busy;
  };
}

/** Stamp interval and silence limit for a reconnect grace (see `listenerSilentMs`). */
export function presenceTiming(reconnectGraceMs: number, silentMs: number | undefined) {
  const intervalMs = Math.min(10_000, Math.max(1_000, Math.round(reconnectGraceMs / 3)));
  return {
    intervalMs:
      silentMs === undefined ? intervalMs : Math.min(intervalMs, Math.max(100, silentMs / 4)),
    silentMs: silentMs ?? Math.max(reconnectGraceMs, 15_000) + 2 * intervalMs,
  };
}
