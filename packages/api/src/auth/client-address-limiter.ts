import { GencasterError } from '@gencaster/domain';
import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { createSharedRateLimiter } from './shared-rate-limiter.ts';

/** A per-client-address budget of one anonymous operation (see {@link createClientAddressLimiter}). */
export interface ClientAddressLimiter {
  /** Takes one call of this address; throws RATE_LIMITED (details.retryAfterMs) when over. */
  take(clientIp: string): Promise<void>;
}

/** Options of {@link createClientAddressLimiter}. */
export interface ClientAddressLimiterOptions {
  keyPrefix: string;
  /** Calls per window and client address. */
  points: number;
  /** Window in seconds. */
  durationSeconds: number;
  /** The refusal's message, e.g. `too many live-coding point requests, slow down`. */
  message: string;
  /** Shared Redis (cluster mode). Default: this process. */
  redis?: Redis;
}

/**
 * A fixed budget per client address and window (rate-limiter-flexible, shared through Redis in a
 * cluster), taken before any database work: an anonymous operation that is cheap once but costly
 * when hammered — issuing watch tickets — gets RATE_LIMITED instead of stalling the backend.
 */
export function createClientAddressLimiter(
  options: ClientAddressLimiterOptions,
): ClientAddressLimiter {
  const limiter = createSharedRateLimiter({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  });
  return {
    async take(clientIp) {
      try {
        await limiter.consume(clientIp.slice(0, 64), 1);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new GencasterError('RATE_LIMITED', options.message, {
          details: { retryAfterMs: Math.max(100, Math.ceil(rejection.msBeforeNext)) },
        });
      }
    },
  };
}
