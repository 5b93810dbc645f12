import { availableParallelism } from 'node:os';
import { GencasterError } from '@gencaster/domain';

/** Runs password hashing one (or a few) at a time (see {@link createPasswordCheckQueue}). */
export interface PasswordCheckQueue {
  /** Runs `check` when a slot is free; RATE_LIMITED at once when too many already wait. */
  run<T>(check: () => Promise<T>): Promise<T>;
}

/** Options of {@link createPasswordCheckQueue}. */
export interface PasswordCheckQueueOptions {
  /** Checks at once (default: all cores but one, at least one). */
  concurrency?: number;
  /** Checks waiting at most (default 32); more are refused instead of queued. */
  maxWaiting?: number;
}

/**
 * A small semaphore for scrypt at OWASP cost (≈ 128 MiB and a core for most of a second per
 * check): without it, a burst of logins takes every core and the event loop (health checks,
 * listeners' sockets) waits seconds. The per-client login limit runs before the queue, so one
 * address cannot fill it.
 */
export function createPasswordCheckQueue(
  options: PasswordCheckQueueOptions = {},
): PasswordCheckQueue {
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism() - 1);
  const maxWaiting = options.maxWaiting ?? 32;
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    const next = waiting.shift();
    if (next) {
      running += 1;
      next();
    }
  };
  return {
    async run(check) {
      if (running >= concurrency) {
        if (waiting.length >= maxWaiting)
          throw new GencasterError('RATE_LIMITED', 'too many logins at once, try again shortly', {
            details: { retryAfterMs: 2000 },
          });
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else running += 1;
      try {
        return await check();
      } finally {
        release();
      }
    },
  };
}
