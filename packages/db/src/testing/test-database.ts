import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { Database, DatabaseEngine } from '../database.ts';
import { migrate } from '../migrate.ts';
import { openDatabase } from '../open-database.ts';
import { TEMPLATE_DATABASE, withDatabaseName } from './template-database.ts';

let snapshot: Promise<Blob> | undefined;

/** The migrated PGlite snapshot: from the global setup, else built once in this worker. */
function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const file = inject('pgliteSnapshot');
    if (file) return new Blob([await readFile(file)]);
    const database = await openDatabase({ inMemory: true });
    try {
      await migrate(database);
      return await database.pglite!.dumpDataDir('none');
    } finally {
      await database.close();
    }
  })();
  return snapshot;
}

/** Why PostgreSQL tests cannot run in this worker, or undefined when they can. */
export function postgresSkipReason(): string | undefined {
  const engines = (process.env.GENCASTER_TEST_ENGINES ?? 'pglite,postgres').split(',');
  if (!engines.includes('postgres')) return 'GENCASTER_TEST_ENGINES excludes postgres';
  if (!inject('postgresUrl')) {
    return 'no PostgreSQL server was started by the global setup (see its warning above)';
  }
  return undefined;
}

/** Why PGlite tests are disabled, or undefined. */
export function pgliteSkipReason(): string | undefined {
  const engines = (process.env.GENCASTER_TEST_ENGINES ?? 'pglite,postgres').split(',');
  return engines.includes('pglite') ? undefined : 'GENCASTER_TEST_ENGINES excludes pglite';
}

/**
 * Opens a fresh, migrated, empty database on `engine`: PGlite loaded from the migrated snapshot
 * (in memory), or a new PostgreSQL database copied from the migrated template on the test server.
 * `close()` also drops the PostgreSQL database.
 */
export async function openTestDatabase(engine: DatabaseEngine): Promise<Database> {
  if (engine === 'pglite') {
    return openDatabase({ inMemory: true, loadDataDir: await pgliteSnapshot() });
  }
  const url = inject('postgresUrl');
  if (!url) throw new Error(postgresSkipReason());
  const name = `gencaster_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ url, poolSize: 1 });
  try {
    // Another worker copying the template at the same moment can make PostgreSQL refuse; retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.raw(`create database ${name} template ${TEMPLATE_DATABASE}`).execute(admin.db);
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.close();
  }
  const database = await openDatabase({ url: withDatabaseName(url, name), poolSize: 20 });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await database.close();
      const dropper = await openDatabase({ url, poolSize: 1 });
      try {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(dropper.db);
      } finally {
        await dropper.close();
      }
    })());
  return { ...database, close, [Symbol.asyncDispose]: close };
}
