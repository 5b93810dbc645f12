import type { PushQueue } from '@gencaster/live';

/**
 * Yields `load()` once at once and again after every event of `events`; ends when `load()`
 * returns undefined (e.g. the graph was deleted). `return()` unsubscribes immediately.
 */
export function createLiveIterator<T>(
  events: PushQueue<unknown>,
  load: () => Promise<T | undefined>,
): AsyncIterableIterator<T> {
  let first = true;
  let done = false;
  const finish = async (): Promise<IteratorResult<T>> => {
    done = true;
    await events.return();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (done) return { value: undefined, done: true };
      if (!first) {
        const event = await events.next();
        if (event.done === true || done) return finish();
        // Coalesce bursts: one reload covers all events queued so far.
      }
      first = false;
      const value = await load();
      if (value === undefined || done) return finish();
      return { value, done: false };
    },
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error instanceof Error ? error : new Error(String(error));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
