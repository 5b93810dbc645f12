import { Redis } from 'ioredis';
import { createPushQueue, type PushQueue } from './push-queue.ts';
import type { PubSub } from './pubsub.ts';

/** Options of {@link createRedisPubSub}. */
export interface RedisPubSubOptions {
  /** e.g. `redis://127.0.0.1:6379` (REDIS_URL). */
  url: string;
  /** Channel prefix so several deployments can share one Redis. */
  prefix?: string;
}

/**
 * Pub/sub over Redis PUBLISH/SUBSCRIBE, for several backend processes. Payloads travel as JSON;
 * subscribers in this process receive the parsed value.
 *
 * Live updates degrade instead of failing writes: while Redis is unreachable `publish` drops the
 * message at once (the database stays the source of truth, and clients re-read on reconnect) and
 * resolves; subscriptions stay open and ioredis re-subscribes when Redis is back.
 */
export function createRedisPubSub(options: RedisPubSubOptions): PubSub {
  const prefix = options.prefix ?? 'gencaster:';
  const publisher = new Redis(options.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  publisher.on('error', () => undefined);
  const subscriber = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  subscriber.on('error', () => undefined);
  const topics = new Map<string, Set<PushQueue<unknown>>>();

  subscriber.on('message', (channel: string, message: string) => {
    const set = topics.get(channel.slice(prefix.length));
    if (!set) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      return;
    }
    for (const queue of set) queue.push(payload);
  });

  return {
    async publish(topic, payload) {
      try {
        await publisher.publish(prefix + topic, JSON.stringify(payload ?? null));
      } catch {
        // Redis is down: this live update is lost, the write that caused it is not.
      }
    },
    subscribe<T>(topic: string) {
      const queue = createPushQueue<T>({
        onClose: () => {
          const set = topics.get(topic);
          set?.delete(queue);
          if (set?.size === 0) {
            topics.delete(topic);
            subscriber.unsubscribe(prefix + topic).catch(() => undefined);
          }
        },
      });
      let set = topics.get(topic);
      if (!set) {
        set = new Set();
        topics.set(topic, set);
        subscriber.subscribe(prefix + topic).catch(() => undefined);
      }
      set.add(queue);
      return queue;
    },
    async close() {
      for (const set of topics.values()) for (const queue of set) queue.end();
      topics.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
