import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openDatabase, type Database } from '@gencaster/db';
import { GencasterError, isGencasterError } from '@gencaster/domain';
import type { BackendConfig } from './config.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { createLogger } from './logger.ts';

/** Options of {@link openBackendDatabase}. */
export interface OpenBackendDatabaseOptions {
  /** What the lock file says this process does (shown to a second opener). */
  purpose?: string;
}

/** The PGlite directory inside the data dir. */
export function embeddedDatabaseDir(config: Pick<BackendConfig, 'dataDir'>): string {
  return join(config.dataDir, 'db');
}

/**
 * Refuses a directory that is not an embedded Gencaster database before PGlite touches it:
 * files without PG_VERSION are someone else's data, never initialised over.
 */
function checkEmbeddedDir(dir: string): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes('PG_VERSION'))
    throw new GencasterError(
      'CONFLICT',
      `${dir} is not an embedded Gencaster database (no PG_VERSION among its ${entries.length} entries); ` +
        'nothing was changed: point GENCASTER_DATA_DIR at another directory, or move this one away',
    );
  const version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  if (!/^\d+$/.test(version))
    throw new GencasterError(
      'CONFLICT',
      `${dir}/PG_VERSION reads "${version.slice(0, 40)}": not a database this version can open; restore a backup or move the directory away`,
    );
}

async function openEmbedded(dir: string): Promise<Database> {
  checkEmbeddedDir(dir);
  try {
    return await openDatabase({ dataDir: dir });
  } catch (error) {
    if (isGencasterError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new GencasterError(
      'UNAVAILABLE',
      `the embedded database in ${dir} could not be opened (${reason}); it may be damaged or written ` +
        'by another PostgreSQL version. Nothing was deleted: restore a backup of that directory, or ' +
        'move it away to start with an empty database',
      { cause: error },
    );
  }
}

/**
 * Opens the configured database and applies pending migrations: PostgreSQL when DATABASE_URL is
 * set, else the embedded PGlite under the data dir — then only after taking the data dir's
 * exclusive lock (see {@link acquireDataDirLock}); a second process gets CONFLICT naming the
 * holder. Closing the database releases the lock.
 */
export async function openBackendDatabase(
  config: BackendConfig,
  options: OpenBackendDatabaseOptions = {},
): Promise<Database> {
  const log = createLogger('db');
  if (config.databaseUrl) {
    const database = await openDatabase({ url: config.databaseUrl });
    try {
      const result = await migrate(database);
      log.info({ engine: database.engine, result }, 'database ready');
      return database;
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  const lock = await acquireDataDirLock({
    dataDir: config.dataDir,
    ...(options.purpose ? { command: options.purpose } : {}),
  });
  let database: Database | undefined;
  try {
    database = await openEmbedded(embeddedDatabaseDir(config));
    const result = await migrate(database);
    log.info({ engine: database.engine, result }, 'database ready');
  } catch (error) {
    await database?.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
  const inner = database;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= inner.close().finally(() => lock.release()));
  return { ...inner, close, [Symbol.asyncDispose]: close };
}
