// Helpers for security-regressions.test.ts: subscription collection and sandbox capabilities.
import { createMemoryVariableStore, createSystemClock } from '@gencaster/story';
import type { ScriptCapabilities } from '@gencaster/story';
import type { Client } from 'graphql-ws';

/** Collects the first `count` results (or the error) of a subscription. */
export async function firstResults(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count = 1,
) {
  const results: {
    data?: unknown;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }[] = [];
  const iterator = client.iterate({ query, variables });
  try {
    for await (const result of iterator) {
      results.push(result);
      if (results.length >= count) break;
    }
  } catch (error) {
    results.push({ errors: (Array.isArray(error) ? error : [error]) as { message: string }[] });
  } finally {
    await iterator.return?.();
  }
  return results;
}

/** Real in-memory capabilities for a sandbox run; `log` lines are pushed onto `logs`. */
export function sandboxCapabilities(logs: string[] = []): ScriptCapabilities {
  const variables = createMemoryVariableStore();
  const clock = createSystemClock();
  return {
    waitForVariable: (name, timeoutMs, signal) => variables.waitFor(name, timeoutMs, signal),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    getVariables: () => variables.getAll(),
    log: (_level, message) => logs.push(message),
    emitDialog: () => Promise.resolve(),
  };
}

/** The listener's streamInfo subscription with the fields the §11.2 tests read. */
export const streamInfoQuery = `subscription($g: UUID!, $token: String) {
  streamInfo(graphUuid: $g, listenerToken: $token) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid numListeners streamPoint { uuid } } }
    ... on NoStreamAvailable { error }
  }
}`;
