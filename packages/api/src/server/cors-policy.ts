import { csrfHeaderName } from '../auth/guards.ts';

/** Request headers a browser on an allowed origin may send. */
export const corsAllowedHeaders = [
  'content-type',
  'authorization',
  csrfHeaderName,
  'x-graphql-yoga-csrf',
];

/**
 * CORS of the API: only origins listed in `GENCASTER_CORS_ORIGINS` get `Access-Control-Allow-*`
 * headers (with credentials); every other origin, and an empty list, gets none, so browsers keep
 * their same-origin rule. (graphql-yoga's own default reflects any Origin when the list is empty.)
 */
export function corsOptionsFor(
  origin: string | null | undefined,
  allowed: readonly string[],
): false | { origin: string[]; credentials: true; allowedHeaders: string[]; methods: string[] } {
  if (!origin || !allowed.includes(origin)) return false;
  return {
    origin: [origin],
    credentials: true,
    allowedHeaders: corsAllowedHeaders,
    methods: ['GET', 'POST', 'OPTIONS'],
  };
}

/** The CORS response headers for a plain node:http answer (uploads), empty when not allowed. */
export function corsHeadersFor(
  origin: string | null | undefined,
  allowed: readonly string[],
): Record<string, string> {
  const options = corsOptionsFor(origin, allowed);
  if (!options) return {};
  return {
    'access-control-allow-origin': options.origin[0] ?? '',
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}
