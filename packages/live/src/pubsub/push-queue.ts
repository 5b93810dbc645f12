/**
 * An async iterator fed by `push`. `return()` ends it at once — also while a consumer waits in
 * `next()` — and runs `onClose` exactly once. Used for pub/sub subscriptions and listener
 * sessions, where an async generator would postpone cleanup until its next `yield`.
 */
export interface PushQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Ends the iterator after the queued values were consumed. */
  end(): void;
  /** Fails the next `next()` call after queued values. */
  fail(error: unknown): void;
  readonly closed: boolean;
  return(): Promise<IteratorResult<T>>;
}

/** Creates a {@link PushQueue}; `maxQueued` bounds memory for slow consumers (oldest dropped). */
export function createPushQueue<T>(
  options: { onClose?: () => void; maxQueued?: number } = {},
): PushQueue<T> {
  const values: T[] = [];
  const waiters: ((result: IteratorResult<T>) => void)[] = [];
  const rejecters: ((error: unknown) => void)[] = [];
  let ending = false;
  let failure: { error: unknown } | undefined;
  let closed = false;
  const maxQueued = options.maxQueued ?? 1000;

  const close = () => {
    if (closed) return;
    closed = true;
    values.length = 0;
    for (const waiter of waiters.splice(0)) waiter({ value: undefined, done: true });
    rejecters.length = 0;
    options.onClose?.();
  };

  const queue: PushQueue<T> = {
    get closed() {
      return closed;
    },
    push(value) {
      if (closed || ending) return;
      const waiter = waiters.shift();
      rejecters.shift();
      if (waiter) waiter({ value, done: false });
      else {
        values.push(value);
        if (values.length > maxQueued) values.shift();
      }
    },
    end() {
      ending = true;
      if (values.length === 0) close();
    },
    fail(error) {
      failure = { error };
      ending = true;
      const reject = rejecters.shift();
      if (reject) {
        waiters.shift();
        close();
        reject(error);
      }
    },
    next() {
      if (values.length > 0) {
        const value = values.shift() as T;
        return Promise.resolve({ value, done: false });
      }
      if (failure) {
        const { error } = failure;
        failure = undefined;
        close();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (closed || ending) {
        close();
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiters.push(resolve);
        rejecters.push(reject);
      });
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      close();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
