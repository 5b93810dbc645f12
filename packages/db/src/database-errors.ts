import { GencasterError, toGencasterError } from '@gencaster/domain';

interface PgErrorLike {
  code: string;
  message: string;
  constraint?: string;
  table?: string;
  detail?: string;
}

function isPgError(error: unknown): error is PgErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as { code: string }).code)
  );
}

/**
 * True when PostgreSQL aborted a statement as a deadlock victim (40P01) or a serialization
 * failure (40001): it did nothing, so the same statement may simply run again.
 */
export function isTransientAbort(error: unknown): boolean {
  return isPgError(error) && (error.code === '40P01' || error.code === '40001');
}

/** Node socket errors and `pg` messages of a database server that is down or restarting. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']);
const unreachableMessage =
  /Connection terminated|connection error|terminating connection|the database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|Client was closed/i;

/** True for errors that mean "the database cannot be reached right now" (retry later). */
function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (unreachableCodes.has(code)) return true;
    // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
  }
  return typeof message === 'string' && unreachableMessage.test(message);
}

/**
 * Turns an error thrown by PGlite or `pg` into a GencasterError by SQLSTATE: an unreachable or
 * restarting server → UNAVAILABLE (retryable); unique (23505) and
 * check (23514) violations → CONFLICT; a missing referenced row (23503 on insert/update) →
 * NOT_FOUND, a still-referenced row → CONFLICT; bad values (22xxx, 23502) → INVALID_INPUT;
 * serialization failures and deadlocks → CONFLICT; anything else → INTERNAL.
 * GencasterErrors pass through unchanged.
 */
export function mapDatabaseError(error: unknown): GencasterError {
  if (error instanceof GencasterError) return error;
  if (isUnreachable(error))
    return new GencasterError('UNAVAILABLE', 'the database is unavailable, retry shortly', {
      cause: error,
    });
  if (!isPgError(error)) return toGencasterError(error, 'database error');
  const details = {
    sqlState: error.code,
    constraint: error.constraint,
    table: error.table,
    detail: error.detail,
  };
  const options = { details, cause: error };
  const code = error.code;
  if (code === '23505' || code === '23514' || code === '40001' || code === '40P01') {
    return new GencasterError('CONFLICT', error.message, options);
  }
  if (code === '23503') {
    const missing = /is not present in table/.test(error.detail ?? '');
    return new GencasterError(missing ? 'NOT_FOUND' : 'CONFLICT', error.message, options);
  }
  if (code === '23502' || code.startsWith('22')) {
    return new GencasterError('INVALID_INPUT', error.message, options);
  }
  return new GencasterError('INTERNAL', `database error: ${error.message}`, options);
}

/** Runs `fn` and rethrows any failure as a GencasterError (see {@link mapDatabaseError}). */
export async function withDatabaseErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
