// One rate limiter store for every limiter of the API: in memory on a single backend, in Redis
// (with the memory one as insurance while Redis is away) when several backends share one.
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/** Options of {@link createSharedRateLimiter}. */
export interface SharedRateLimiterOptions {
  redis: Redis | undefined;
  keyPrefix: string;
  points: number;
  /** Window in seconds. */
  duration: number;
}

/** A limiter of `points` per `duration` seconds under `keyPrefix`, shared through Redis if given. */
export function createSharedRateLimiter(options: SharedRateLimiterOptions): RateLimiterAbstract {
  const { redis, keyPrefix, points, duration } = options;
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `gencaster:${keyPrefix}`,
    points,
    duration,
    insuranceLimiter: memory,
  });
}
