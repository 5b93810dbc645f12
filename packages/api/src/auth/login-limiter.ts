import { GencasterError } from '@gencaster/domain';
import type { Redis } from 'ioredis';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createSharedRateLimiter } from './shared-rate-limiter.ts';

/** Options of {@link createLoginLimiter}. */
export interface LoginLimiterOptions {
  /** Shared Redis (cluster mode): every backend counts in the same keys. Default: this process. */
  redis?: Redis;
  /** Login attempts one client address may start per window (default 10). */
  attemptsPerClient?: number;
  /** Window of the per-client count, and how long a client over it waits (default 300 s). */
  clientWindowSeconds?: number;
  /** Failed logins of one account (from anywhere) before its attempts are spaced out (default 5). */
  freeFailuresPerAccount?: number;
  /** Longest spacing between two attempts on one account (default 60 s). */
  maxAccountBackoffSeconds?: number;
  /** How long an account's failures are remembered (default 1 h). */
  accountMemorySeconds?: number;
}

/** The outcome of one reserved login attempt. */
export interface LoginAttempt {
  /** Right credentials: the client's attempt is given back and the account's failures forgotten. */
  succeeded(): Promise<void>;
  /** Wrong credentials: counted against the account (spacing out its next attempts). */
  failed(): Promise<void>;
}

/** Login throttling per client address and per account (see {@link createLoginLimiter}). */
export interface LoginLimiter {
  /**
   * Reserves one attempt before the password is checked, atomically, so concurrent guesses cannot
   * all pass a check made before any of them failed. Throws RATE_LIMITED (details.retryAfterMs).
   */
  begin(input: { clientIp: string; username: string }): Promise<LoginAttempt>;
}

function rateLimited(what: string, res: RateLimiterRes): GencasterError {
  const retryAfterMs = Math.max(1000, Math.ceil(res.msBeforeNext));
  return new GencasterError(
    'RATE_LIMITED',
    `Too many login attempts ${what}, try again in ${Math.ceil(retryAfterMs / 1000)} s`,
    { details: { retryAfterMs } },
  );
}

/**
 * A login limiter on rate-limiter-flexible: Redis (RateLimiterRedis, atomic Lua) when several
 * backends run, memory otherwise; with Redis, an in-memory limiter stands in while Redis is down.
 *
 * - per client address: `attemptsPerClient` attempts per window are reserved *before* the password
 *   check and given back on success, so 40 concurrent guesses against a limit of 10 check 10;
 * - per account: never a lock-out. After `freeFailuresPerAccount` failures (from any address),
 *   attempts on the account are spaced out by a doubling delay up to `maxAccountBackoffSeconds`:
 *   a distributed guesser gets about one guess a minute, the real owner waits at most that long.
 *
 * @example
 * const limiter = createLoginLimiter({ redis });
 * const attempt = await limiter.begin({ clientIp, username });   // may throw RATE_LIMITED
 * (await verify()) ? await attempt.succeeded() : await attempt.failed();
 */
export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const clientPoints = options.attemptsPerClient ?? 10;
  const clientWindow = options.clientWindowSeconds ?? 300;
  const freeFailures = options.freeFailuresPerAccount ?? 5;
  const maxBackoff = options.maxAccountBackoffSeconds ?? 60;
  const accountMemory = options.accountMemorySeconds ?? 3600;

  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    createSharedRateLimiter({ redis: options.redis, keyPrefix, points, duration });
  const perClient = make('login-client', clientPoints, clientWindow);
  const accountFailures = make('login-account-failures', 1_000_000, accountMemory);
  const accountSlot = make('login-account-slot', 1, maxBackoff);

  const consume = async (
    limiter: RateLimiterAbstract,
    key: string,
    what: string,
    customDuration?: number,
  ) => {
    try {
      await limiter.consume(key, 1, customDuration === undefined ? {} : { customDuration });
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw rateLimited(what, rejection);
      throw new GencasterError('UNAVAILABLE', 'login limiter unavailable, try again', {
        cause: rejection,
      });
    }
  };

  return {
    async begin({ clientIp, username }) {
      const client = clientIp.slice(0, 100);
      const account = username.trim().toLowerCase().slice(0, 200);
      await consume(perClient, client, 'from this address');
      const failures = (await accountFailures.get(account))?.consumedPoints ?? 0;
      if (failures >= freeFailures) {
        const delay = Math.min(maxBackoff, 2 ** Math.min(failures - freeFailures, 16));
        try {
          await consume(accountSlot, account, 'for this account', delay);
        } catch (error) {
          await perClient.reward(client, 1).catch(() => undefined);
          throw error;
        }
      }
      return {
        async succeeded() {
          await Promise.allSettled([
            perClient.reward(client, 1),
            accountFailures.delete(account),
            accountSlot.delete(account),
          ]);
        },
        async failed() {
          await accountFailures.consume(account, 1).catch(() => undefined);
        },
      };
    },
  };
}
