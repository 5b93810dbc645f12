import { createPushQueue, type PushQueue } from './push-queue.ts';

/**
 * Topic-based publish/subscribe for live updates between resolvers, listener sessions and (with
 * Redis) several backend processes. Payloads are JSON-serialisable.
 */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Subscribes; the returned iterator's `return()` unsubscribes. */
  subscribe<T = unknown>(topic: string): PushQueue<T>;
  close(): Promise<void>;
}

/** The default pub/sub: in one process, no serialisation. */
export function createInProcessPubSub(): PubSub {
  const topics = new Map<string, Set<PushQueue<unknown>>>();
  return {
    publish(topic, payload) {
      for (const queue of topics.get(topic) ?? []) queue.push(payload);
      return Promise.resolve();
    },
    subscribe<T>(topic: string) {
      const queue = createPushQueue<T>({
        onClose: () => {
          const set = topics.get(topic);
          set?.delete(queue);
          if (set?.size === 0) topics.delete(topic);
        },
      });
      const set = topics.get(topic) ?? new Set();
      set.add(queue);
      topics.set(topic, set);
      return queue;
    },
    close() {
      for (const set of topics.values()) for (const queue of set) queue.end();
      topics.clear();
      return Promise.resolve();
    },
  };
}
