import { createGraphQLClient } from '@gencaster/web';
import { csrfHeaders } from './csrf.ts';

let unauthenticatedHandler: (() => void) | undefined;

/** Registers what happens when the server says the session is gone (the app shows the login). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler;
}

/**
 * The editor's GraphQL client: `/graphql` on its own origin (HTTP and WebSocket), the session
 * cookie and the CSRF header on every HTTP request.
 */
export const { request, uploadRequest, subscribe, resetSubscriptions } = createGraphQLClient({
  url: () => '/graphql',
  headers: csrfHeaders,
  socket: { retryAttempts: 20 },
  onUnauthenticated: () => unauthenticatedHandler?.(),
});
