import { createGraphQLClient, drainAwareReconnect } from '@gencaster/web';
import { loadRuntimeConfig } from '../lib/runtime-config.ts';

/**
 * The listener's GraphQL client: the endpoint from `/config.json` (`graphqlUrl`), the session
 * cookie, and a subscription socket that keeps retrying (quickly after a backend drain) so the
 * page keeps its stream.
 */
export const { request, subscribe } = createGraphQLClient({
  url: async () => (await loadRuntimeConfig()).graphqlUrl,
  socket: drainAwareReconnect(8),
});
