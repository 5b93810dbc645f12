/**
 * Remembers which signed messages were already accepted, so a captured datagram cannot be played
 * again. `claim` is atomic: of two calls with the same key only the first returns true. The
 * in-memory guard serves one backend; with several backends (cluster mode) the backend passes a
 * Redis-backed guard so that a message accepted by one backend is refused by all others.
 */
export interface ReplayGuard {
  /** True when `key` was not seen before (and is now remembered for `ttlMs`), false for a replay. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link createMemoryReplayGuard}. */
export interface MemoryReplayGuardOptions {
  /** Most keys kept; the oldest are forgotten first (default 100 000). */
  maxKeys?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

/**
 * A {@link ReplayGuard} in this process's memory. Keys expire after their ttl; at `maxKeys` the
 * oldest is dropped (a message that old is also outside the authenticator's time window).
 */
export function createMemoryReplayGuard(options: MemoryReplayGuardOptions = {}): ReplayGuard & {
  readonly size: number;
} {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    claim(key, ttlMs) {
      const at = now();
      for (const [old, expiry] of seen) {
        if (expiry > at && seen.size < maxKeys) break;
        seen.delete(old);
      }
      const expiry = seen.get(key);
      if (expiry !== undefined && expiry > at) return Promise.resolve(false);
      seen.delete(key);
      seen.set(key, at + ttlMs);
      return Promise.resolve(true);
    },
    get size() {
      return seen.size;
    },
  };
}
