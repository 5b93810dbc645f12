import type { ClientOptions } from 'graphql-ws';

/**
 * Close code of a backend that drains (1012 Service Restart): the session moves to another backend
 * behind the same URL, so reconnect at once instead of backing off.
 */
export const BACKEND_DRAIN_CLOSE_CODE = 1012;

/**
 * graphql-ws reconnect settings for a page that must keep its subscription (the listener's stream):
 * retry on every close, quickly after a drain, else exponential back-off with jitter.
 */
export function drainAwareReconnect(
  retryAttempts: number,
): Pick<ClientOptions, 'retryAttempts' | 'shouldRetry' | 'retryWait' | 'on'> {
  let lastCloseCode = 0;
  return {
    retryAttempts,
    shouldRetry: () => true,
    retryWait: (retries) => {
      const drained = lastCloseCode === BACKEND_DRAIN_CLOSE_CODE && retries < 3;
      const ms = drained
        ? 100 + Math.random() * 400
        : Math.min(1000 * 2 ** retries, 15_000) + Math.random() * 1000;
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    on: {
      closed: (event) => {
        lastCloseCode = (event as { code?: number } | undefined)?.code ?? 0;
      },
    },
  };
}
