import { join } from 'node:path';
import { migrate, openDatabase, type Database } from '@gencaster/db';
import type { BackendConfig } from './config.ts';
import { createLogger } from './logger.ts';

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else the embedded PGlite
 * under the data dir) and applies pending migrations.
 */
export async function openBackendDatabase(config: BackendConfig): Promise<Database> {
  const log = createLogger('db');
  const database = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl })
    : await openDatabase({ dataDir: join(config.dataDir, 'db') });
  const result = await migrate(database);
  log.info({ engine: database.engine, result }, 'database ready');
  return database;
}
