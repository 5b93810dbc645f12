import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Schema } from './schema.ts';

/** How to open the database; `url` wins, else PGlite in `dataDir`, else PGlite in memory. */
export interface OpenDatabaseOptions {
  /** postgres://… of a PostgreSQL server (DATABASE_URL). */
  url?: string;
  /** Directory of the embedded PGlite database; created when missing. */
  dataDir?: string;
  /** Embedded database that lives only in memory (the default when neither url nor dataDir). */
  inMemory?: boolean;
  /** Start the embedded database from a `dumpDataDir()` snapshot (tests). */
  loadDataDir?: Blob | File;
  /** Maximum PostgreSQL connections (default 10). */
  poolSize?: number;
}

/**
 * Opens the database without migrating it (call {@link migrate} next).
 *
 * @example
 * await using database = await openDatabase({ dataDir: '.data/db' });
 * await migrate(database);
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) return Promise.resolve(openPostgres(options.url, options.poolSize ?? 10));
  return openPGlite(options);
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return wrap({ db, engine: 'postgres', pool }, () => db.destroy());
}

/**
 * PostgreSQL settings of the embedded database, on its command line (the data dir's own
 * postgresql.conf stays as initdb wrote it). PGlite's default `shared_buffers = 128MB` lives in
 * its WASM heap; an embedded Gencaster database is small and its files stay in the OS page cache,
 * so 16 MB is plenty: an opened data dir then holds ~155 MiB RSS instead of ~305 MiB.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * Creates a new embedded data dir in a short-lived child process. PGlite's in-process initdb
 * leaves ~500 MB of WASM heap behind that the process never gives back; a child takes it with it
 * when it exits, and the server then opens the finished data dir like any later start.
 */
async function initialiseDataDirApart(dataDir: string): Promise<void> {
  const module = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(module)});
const db = await PGlite.create(process.argv[1]);
await db.close();`;
  try {
    await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', script, dataDir],
      { timeout: 300_000 },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `creating the embedded database in ${dataDir} failed (${reason}); check free disk space and that the directory is writable, or remove it to start afresh`,
    );
  }
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  if (options.dataDir && !options.inMemory) {
    await mkdir(options.dataDir, { recursive: true });
    if (!options.loadDataDir && !existsSync(join(options.dataDir, 'PG_VERSION')))
      await initialiseDataDirApart(options.dataDir);
  }
  const dataDir = options.dataDir && !options.inMemory ? options.dataDir : 'memory://';
  const pglite = await PGlite.create(dataDir, {
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
  });
  const db = new Kysely<Schema>({
    dialect: new PGliteDialect(pglite),
    plugins: [new CamelCasePlugin()],
  });
  return wrap({ db, engine: 'pglite', pglite }, async () => {
    await db.destroy();
    await pglite.close();
  });
}

function wrap(
  parts: Omit<Database, 'close' | typeof Symbol.asyncDispose>,
  destroy: () => Promise<void>,
): Database {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= destroy());
  return { ...parts, close, [Symbol.asyncDispose]: close };
}
