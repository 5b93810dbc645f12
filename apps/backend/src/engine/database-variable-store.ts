import {
  deleteStreamVariable,
  listStreamVariables,
  upsertStreamVariable,
  type DbHandle,
} from '@gencaster/db';
import { topics, type PubSub, type VariablesEvent } from '@gencaster/api';
import { GencasterError } from '@gencaster/domain';
import type { VariableStore } from '@gencaster/story';

/**
 * A stream's variables in the database. `waitFor` listens to the stream's variable events on the
 * pub/sub (published by createUpdateStreamVariable, also from other backends with Redis), so a
 * waiting script wakes at once and nothing polls.
 */
export function createDatabaseVariableStore(
  handle: DbHandle,
  pubsub: PubSub,
  streamUuid: string,
): VariableStore {
  async function getAll(): Promise<Record<string, string>> {
    const rows = await listStreamVariables(handle, streamUuid);
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  return {
    getAll,
    async set(key, value) {
      await upsertStreamVariable(handle, { streamUuid, key, value });
      await pubsub.publish(topics.variables(streamUuid), {
        streamUuid,
        variables: [{ key, value }],
      } satisfies VariablesEvent);
    },
    async delete(key) {
      await deleteStreamVariable(handle, streamUuid, key);
    },
    async waitFor(key, timeoutMs, signal) {
      // Subscribe first, then read: a write between the two is not missed.
      const events = pubsub.subscribe<VariablesEvent>(topics.variables(streamUuid));
      const timer = setTimeout(() => events.end(), timeoutMs);
      const onAbort = () => events.end();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const current = await getAll();
        if (key in current) return current[key] ?? '';
        for await (const event of events) {
          const hit = event.variables.find((variable) => variable.key === key);
          if (hit) return hit.value;
        }
        if (signal.aborted) throw new GencasterError('UNAVAILABLE', 'the listener left');
        throw new GencasterError(
          'TIMEOUT',
          `stream variable "${key}" did not arrive within ${timeoutMs / 1000} s`,
        );
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        await events.return();
      }
    },
  };
}
