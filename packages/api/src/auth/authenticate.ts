import type { DbHandle } from '@gencaster/db';
import type { Viewer } from './viewer.ts';
import { readCookie, sessionCookieName } from './cookies.ts';
import { userForToken } from './login-sessions.ts';

/** Request facts that decide who is calling. */
export interface Credentials {
  cookieHeader: string | null | undefined;
  authorizationHeader: string | null | undefined;
  /** False when a browser sent an Origin that is neither allowed nor same-origin: cookies are ignored. */
  cookieAllowed: boolean;
}

/**
 * Resolves the viewer: a bearer token (`Authorization: Bearer …`, API token or session token) wins,
 * else the session cookie. Only active users with role editor or admin become viewers.
 */
export async function authenticate(
  database: DbHandle,
  credentials: Credentials,
): Promise<Viewer | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorizationHeader ?? '')?.[1];
  if (bearer) {
    const found = await userForToken(database, bearer);
    return found ? toViewer(found.user, 'bearer') : null;
  }
  const cookie = credentials.cookieAllowed
    ? readCookie(credentials.cookieHeader, sessionCookieName)
    : undefined;
  if (cookie) {
    const found = await userForToken(database, cookie);
    const viewer = found?.kind === 'session' ? toViewer(found.user, 'cookie') : null;
    if (viewer) return { ...viewer, sessionToken: cookie };
  }
  return null;
}

function toViewer(
  user: { uuid: string; username: string; role: string },
  via: Viewer['via'],
): Viewer | null {
  if (user.role !== 'admin' && user.role !== 'editor') return null;
  return { uuid: user.uuid, username: user.username, role: user.role, via };
}

/**
 * True when a browser request's Origin may use the session cookie: no Origin (non-browser or
 * same-origin navigation), an allowed origin, or the request's own host.
 */
export function originMayUseCookie(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== null && host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
