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
  return {
    async claim(key, ttlMs) {
      if (!(await local.claim(key, ttlMs))) return false;
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
