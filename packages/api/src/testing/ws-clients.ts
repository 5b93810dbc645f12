// Real WebSocket clients for tests and benchmarks.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws (graphql-transport-ws) client that does not retry. */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** One result of a subscription as received. */
export interface WireResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Starts a subscription and exposes its results as a pull queue. */
export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: WireResult[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let failure: unknown;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        results.push(value);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        failure = error;
        done = true;
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {
        done = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    },
  );
  let read = 0;
  return {
    /** The next result; rejects after `timeoutMs`, resolves undefined when the subscription ended. */
    async next(timeoutMs = 10_000): Promise<WireResult | undefined> {
      const deadline = Date.now() + timeoutMs;
      while (read >= results.length) {
        if (done) {
          if (failure !== undefined)
            throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
          return undefined;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no result within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results[read++];
    },
    get done() {
      return done;
    },
    results,
    /** Sends `complete` (stops the subscription). */
    stop: () => dispose(),
  };
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
