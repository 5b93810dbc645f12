import { GencasterError } from '@gencaster/domain';
import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createSharedRateLimiter } from './shared-rate-limiter.ts';

/** Rate limit of listeners' stream-variable writes (see {@link createListenerWriteLimiter}). */
export interface ListenerWriteLimiter {
  /** Takes one write of this listener token; throws RATE_LIMITED (details.retryAfterMs) when over. */
  take(listenerToken: string): Promise<void>;
}

/** Options of {@link createListenerWriteLimiter}. */
export interface ListenerWriteLimiterOptions {
  /** Sustained writes per second per listener token. */
  perSecond: number;
  /** Shared Redis (cluster mode). Default: this process. */
  redis?: Redis;
}

/**
 * A token bucket per listener token (rate-limiter-flexible's BurstyRateLimiter): `perSecond` writes
 * a second, bursts of twice that over 10 s. A dialog answer or a slider is far below it; a script
 * hammering the backend with writes gets RATE_LIMITED before any database work.
 */
export function createListenerWriteLimiter(
  options: ListenerWriteLimiterOptions,
): ListenerWriteLimiter {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    createSharedRateLimiter({ redis: options.redis, keyPrefix, points, duration });
  const perSecond = Math.max(1, Math.round(options.perSecond));
  const limiter = new BurstyRateLimiter(
    make('listener-writes', perSecond, 1),
    make('listener-writes-burst', perSecond * 2, 10),
  );
  return {
    async take(listenerToken) {
      try {
        await limiter.consume(listenerToken.slice(0, 200), 1);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterMs = Math.max(100, Math.ceil(rejection.msBeforeNext));
        throw new GencasterError('RATE_LIMITED', 'too many variable writes, slow down', {
          details: { retryAfterMs },
        });
      }
    },
  };
}
