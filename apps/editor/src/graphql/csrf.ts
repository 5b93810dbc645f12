/**
 * The header the API's CSRF protection expects on every HTTP request. A cross-site form cannot
 * set custom headers, so its presence proves the request came from our own scripts.
 */
export function csrfHeaders(): Record<string, string> {
  return { 'x-gencaster-csrf': '1' };
}
