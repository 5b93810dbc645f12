import {
  acquireEngineLease,
  releaseEngineLease,
  renewEngineLease,
  type Database,
} from '@gencaster/db';
import type { LiveLogger } from '../live-logger.ts';

/** A held engine lease, renewed in the background until released or lost. */
export interface EngineLeaseHold {
  /** Resolves when the lease was lost (taken over, or not renewable for a whole TTL). */
  lost: Promise<void>;
  isLost(): boolean;
  /** True when another backend held the lease first: its walk goes on here (resume it). */
  waited: boolean;
  /**
   * Stops renewing and ends the lease now so another backend can take over; idempotent.
   * `handover`: a drain, listeners will resume elsewhere (see `releaseEngineLease`).
   */
  release(handover?: boolean): Promise<void>;
}

/** Options of {@link holdEngineLease}. */
export interface HoldEngineLeaseOptions {
  database: Database;
  streamUuid: string;
  backendId: string;
  ttlMs: number;
  /** Checked between attempts: stop waiting (the listeners left). */
  isCancelled: () => boolean;
  log: LiveLogger | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until this backend holds the engine lease of a stream (another backend's lease must be
 * released or expire first), then renews it every third of its TTL. When renewing fails for longer
 * than the TTL (database unreachable) the hold counts as lost, because another backend may take
 * over: the caller must stop its engine. Returns undefined when cancelled while waiting.
 */
export async function holdEngineLease(
  options: HoldEngineLeaseOptions,
): Promise<EngineLeaseHold | undefined> {
  const { database, streamUuid, backendId, ttlMs, log } = options;
  const input = { streamUuid, backendId, ttlMs };
  const retryMs = Math.min(1_000, Math.max(50, Math.round(ttlMs / 4)));
  let waitingLogged = false;
  let waited = false;
  for (;;) {
    if (options.isCancelled()) return undefined;
    try {
      if (await acquireEngineLease(database, input)) break;
      if (!waitingLogged) log?.info({ stream: streamUuid }, 'waiting for the engine lease');
      waitingLogged = true;
      waited = true;
    } catch (error) {
      log?.warn({ err: error, stream: streamUuid }, 'acquiring the engine lease failed');
    }
    await sleep(retryMs);
  }
  if (options.isCancelled()) {
    await releaseEngineLease(database, input).catch(() => undefined);
    return undefined;
  }

  let lastRenewed = Date.now();
  let lostFlag = false;
  let released = false;
  let markLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => {
    markLost = () => {
      if (lostFlag || released) return;
      lostFlag = true;
      clearInterval(timer);
      resolve();
    };
  });
  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing) return;
      renewing = true;
      renewEngineLease(database, input)
        .then((ok) => {
          if (ok) lastRenewed = Date.now();
          else markLost();
        })
        .catch((error: unknown) => {
          log?.warn({ err: error, stream: streamUuid }, 'renewing the engine lease failed');
          if (Date.now() - lastRenewed > ttlMs * 0.9) markLost();
        })
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(20, Math.round(ttlMs / 3)),
  );
  timer.unref();

  return {
    lost,
    isLost: () => lostFlag,
    waited,
    async release(handover = false) {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (lostFlag) return;
      await releaseEngineLease(database, { ...input, handover }).catch((error: unknown) =>
        log?.warn({ err: error, stream: streamUuid }, 'releasing the engine lease failed'),
      );
    },
  };
}
