import { GencasterError } from '@gencaster/domain';
import type { ApiContext } from '../server/context.ts';
import type { Viewer } from './viewer.ts';

/** Header a cookie-authenticated browser must send with mutations (CSRF protection). */
export const csrfHeaderName = 'x-gencaster-csrf';

/**
 * Requires an editor or admin. Throws UNAUTHENTICATED for anonymous callers.
 * @returns the viewer
 */
export function requireEditor(ctx: ApiContext): Viewer {
  const viewer = ctx.viewer;
  if (viewer === null)
    throw new GencasterError('UNAUTHENTICATED', 'login required (role editor or admin)');
  if (viewer.role !== 'editor' && viewer.role !== 'admin') {
    throw new GencasterError('FORBIDDEN', 'role editor or admin required');
  }
  return viewer;
}

/**
 * Requires an editor for a write: additionally rejects cookie-authenticated HTTP requests that
 * lack the CSRF header (a cross-site form cannot set custom headers).
 */
export function requireEditorWrite(ctx: ApiContext): Viewer {
  const viewer = requireEditor(ctx);
  if (!ctx.csrfVerified) {
    throw new GencasterError(
      'FORBIDDEN',
      `cookie-authenticated mutations need the ${csrfHeaderName} header`,
    );
  }
  return viewer;
}

/**
 * Requires an admin: UNAUTHENTICATED for anonymous callers, FORBIDDEN for editors. Every query of
 * the admin area goes through it.
 */
export function requireAdmin(ctx: ApiContext): Viewer {
  const viewer = requireEditor(ctx);
  if (viewer.role !== 'admin') throw new GencasterError('FORBIDDEN', 'role admin required');
  return viewer;
}

/** Requires an admin for a write: {@link requireAdmin} plus the CSRF check of {@link requireEditorWrite}. */
export function requireAdminWrite(ctx: ApiContext): Viewer {
  const viewer = requireAdmin(ctx);
  requireEditorWrite(ctx);
  return viewer;
}
