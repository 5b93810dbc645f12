import type { TtsCacheEntry, TtsCacheStore } from '../tts-cache.ts';

/** A real, in-process {@link TtsCacheStore} for tests and benchmarks; counts its calls. */
export interface MemoryTtsCacheStore extends TtsCacheStore {
  readonly entries: readonly TtsCacheEntry[];
  readonly calls: { find: number; save: number };
}

/** Creates an empty {@link MemoryTtsCacheStore}; `find` returns the first entry saved for a key, like the original. */
export function createMemoryTtsCacheStore(): MemoryTtsCacheStore {
  const entries: TtsCacheEntry[] = [];
  const calls = { find: 0, save: 0 };
  return {
    entries,
    calls,
    find(key) {
      calls.find += 1;
      const entry = entries.find(
        (candidate) =>
          candidate.provider === key.provider &&
          candidate.text === key.text &&
          candidate.voiceName === key.voiceName,
      );
      return Promise.resolve(entry ? structuredClone(entry) : null);
    },
    save(entry) {
      calls.save += 1;
      const stored = { ...structuredClone(entry), audioFileUuid: crypto.randomUUID() };
      entries.push(stored);
      return Promise.resolve(structuredClone(stored));
    },
  };
}
