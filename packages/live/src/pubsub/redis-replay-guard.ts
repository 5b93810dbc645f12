import { Redis } from 'ioredis';
import { createMemoryReplayGuard, type ReplayGuard } from '@gencaster/osc';

/** Options of {@link createRedisReplayGuard}. */
export interface RedisReplayGuardOptions {
  /** e.g. `redis://127.0.0.1:6379` (REDIS_URL). */
  url: string;
  /** Key prefix so several deployments can share one Redis. */
  prefix?: string;
}

/**
 * The OSC seen set shared by every backend of a cluster: a signature accepted by one backend is
 * refused by all others (`SET key NX PX ttl`), so a datagram captured on its way to backend A
 * cannot be played to backend B. Each backend also keeps its own memory set, checked first; while
 * Redis is unreachable only that one holds (logged by the caller's stats as accepted messages,
 * never a lost legitimate beacon).
 */
export function createRedisReplayGuard(
  options: RedisReplayGuardOptions,
): ReplayGuard & { close(): Promise<void> } {
  const prefix = `${options.prefix ?? 'gencaster:'}osc-seen:`;
  const local = createMemoryReplayGuard();
  const redis = new Redis(options.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  // Right after start the connection is not up yet: wait for it briefly instead of skipping Redis
  // (a replay to another backend in that moment would pass). Once it was up, an outage is skipped
  // at once, so signed messages are not delayed while Redis is down.
  let everReady = false;
  const firstReady = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  void firstReady.then(() => (everReady = true));
  return {
    async claim(key, ttlMs) {
      if (!(await local.claim(key, ttlMs))) return false;
      if (!everReady)
        await Promise.race([firstReady, new Promise((resolve) => setTimeout(resolve, 2000))]);
      try {
        return (await redis.set(prefix + key, '1', 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
      } catch {
        return true; // Redis down: this backend's own set still refuses replays to it
      }
    },
    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
