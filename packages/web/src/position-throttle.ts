// Position fixes are sent at most every `minIntervalMs` (the API rate-limits a stream's variables,
// and a phone or a GPX playback can produce far more fixes than a walk needs). Shared by the
// listener's GPS and the editor's walker.

/** Options of {@link createPositionThrottle}. */
export interface PositionThrottleOptions<T> {
  /** Shortest gap between two sends, milliseconds (500: at most 2 updates per second). */
  minIntervalMs: number;
  /** Sends one fix; a failure is reported to `onError` and the throttle goes on. */
  send(fix: T): Promise<void>;
  onError?(error: unknown): void;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/** A throttle that keeps the newest fix: fixes in between are dropped, the last one is sent. */
export interface PositionThrottle<T> {
  /** Offers a fix: sent now if the gap has passed, else the newest waits for the gap's end. */
  push(fix: T): void;
  /** Sends a waiting fix at once (e.g. the last point of a track). */
  flush(): void;
  /** Drops a waiting fix and stops the timer. */
  cancel(): void;
  /** Fixes actually sent so far. */
  readonly sent: number;
}

/** Builds a {@link PositionThrottle}. */
export function createPositionThrottle<T>(
  options: PositionThrottleOptions<T>,
): PositionThrottle<T> {
  const now = options.now ?? (() => Date.now());
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let waiting: { fix: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = 0;

  const sendNow = (fix: T) => {
    lastSentAt = now();
    sent += 1;
    options.send(fix).catch((error: unknown) => options.onError?.(error));
  };
  const fire = () => {
    timer = undefined;
    const next = waiting;
    waiting = undefined;
    if (next) sendNow(next.fix);
  };

  return {
    push(fix) {
      const wait = lastSentAt + options.minIntervalMs - now();
      if (wait <= 0 && !timer) {
        sendNow(fix);
        return;
      }
      waiting = { fix };
      timer ??= setTimeout(fire, Math.max(0, wait));
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      waiting = undefined;
    },
    get sent() {
      return sent;
    },
  };
}
