import { GencasterError } from '@gencaster/domain';

/** Options of {@link createPasswordLimiter}. */
export interface PasswordLimiterOptions {
  /** Wrong passwords a sender may send before it has to wait (default 5). */
  freeFailures?: number;
  /** First wait after the free failures, doubled with every further failure (default 1 s). */
  baseDelayMs?: number;
  /** Longest wait (default 5 min). */
  maxDelayMs?: number;
  /** A sender that sent no wrong password for this long starts afresh (default 15 min). */
  forgetAfterMs?: number;
  /** Most senders remembered; the least recent are forgotten first (default 10 000). */
  maxSenders?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

/**
 * Rate limit of the plain OSC password (`/remote/action` of original live-coding clients), per
 * sender address: after a few wrong passwords the sender must wait, twice as long after each
 * further one, and while it waits even the right password is refused — so the password cannot be
 * guessed at line rate. Keyed by address, not address:port, because a guesser picks its source
 * port freely. The signed (HMAC) path is not limited.
 */
export interface PasswordLimiter {
  /** Throws FORBIDDEN (details.reason 'rate-limited', retryAfterMs) while `sender` must wait. */
  check(sender: string): void;
  /** Records a wrong password. */
  failure(sender: string): void;
  /** Records the right password: the sender starts afresh. */
  success(sender: string): void;
}

interface Entry {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

/** Creates a {@link PasswordLimiter}. */
export function createPasswordLimiter(options: PasswordLimiterOptions = {}): PasswordLimiter {
  const freeFailures = options.freeFailures ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 300_000;
  const forgetAfterMs = options.forgetAfterMs ?? 900_000;
  const maxSenders = options.maxSenders ?? 10_000;
  const now = options.now ?? Date.now;
  const senders = new Map<string, Entry>();

  function current(sender: string, at: number): Entry | undefined {
    const entry = senders.get(sender);
    if (entry && at - entry.lastFailure > forgetAfterMs && at >= entry.blockedUntil) {
      senders.delete(sender);
      return undefined;
    }
    return entry;
  }

  return {
    check(sender) {
      const at = now();
      const entry = current(sender, at);
      if (entry && at < entry.blockedUntil) {
        const retryAfterMs = entry.blockedUntil - at;
        throw new GencasterError(
          'FORBIDDEN',
          `remote action from ${sender}: too many wrong passwords, retry in ${retryAfterMs} ms`,
          { details: { reason: 'rate-limited', retryAfterMs } },
        );
      }
    },
    failure(sender) {
      const at = now();
      const entry = current(sender, at) ?? { failures: 0, lastFailure: at, blockedUntil: 0 };
      entry.failures += 1;
      entry.lastFailure = at;
      const over = entry.failures - freeFailures;
      if (over > 0) entry.blockedUntil = at + Math.min(maxDelayMs, baseDelayMs * 2 ** (over - 1));
      senders.delete(sender);
      senders.set(sender, entry);
      if (senders.size > maxSenders) {
        const oldest = senders.keys().next().value;
        if (oldest !== undefined) senders.delete(oldest);
      }
    },
    success(sender) {
      senders.delete(sender);
    },
  };
}
