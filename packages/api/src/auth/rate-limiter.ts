/** Counts failures per key in a sliding window; used for login attempts. */
export interface RateLimiter {
  /** False when any key has reached the limit within the window. */
  allow(keys: string[]): boolean;
  fail(keys: string[]): void;
  reset(keys: string[]): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

/** In-process rate limiter (per backend process). */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = now() - options.windowMs;
    const list = (failures.get(key) ?? []).filter((time) => time > cutoff);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  return {
    allow: (keys) => keys.every((key) => recent(key).length < options.maxFailures),
    fail(keys) {
      for (const key of keys) failures.set(key, [...recent(key), now()]);
      if (failures.size > 100_000) failures.clear();
    },
    reset(keys) {
      for (const key of keys) failures.delete(key);
    },
  };
}
