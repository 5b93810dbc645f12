import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../migrate.ts';
import { openDatabase } from '../open-database.ts';
import {
  postgresUnavailableReason,
  startPostgresServer,
  type PostgresServer,
} from './postgres-server.ts';
import { TEMPLATE_DATABASE, withDatabaseName } from './template-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the throwaway PostgreSQL server's `postgres` database; absent when unavailable. */
    postgresUrl?: string;
    /** Path of a migrated, empty PGlite data dir dump (tar) that tests load instead of migrating. */
    pgliteSnapshot?: string;
  }
}

/**
 * Vitest global setup: starts one throwaway PostgreSQL 15 for the whole run (or uses
 * GENCASTER_TEST_POSTGRES_URL), migrates a template database in it, writes a migrated PGlite
 * snapshot, provides both to the tests and cleans up afterwards. Without PostgreSQL binaries it
 * prints why and provides no URL, so PostgreSQL variants are skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: (() => Promise<void>)[] = [];
  const engines = (process.env.GENCASTER_TEST_ENGINES ?? 'pglite,postgres').split(',');

  if (engines.includes('postgres')) {
    let server: PostgresServer | undefined;
    let url = process.env.GENCASTER_TEST_POSTGRES_URL;
    const reason = url ? undefined : postgresUnavailableReason();
    if (reason) {
      console.warn(`[gencaster db] PostgreSQL tests will be skipped: ${reason}`);
    } else {
      try {
        if (!url) {
          server = await startPostgresServer();
          cleanups.push(() => server!.stop());
          url = server.url;
        }
        await prepareTemplate(url);
        project.provide('postgresUrl', url);
      } catch (error) {
        console.warn(`[gencaster db] PostgreSQL tests will be skipped: ${String(error)}`);
      }
    }
  }

  if (engines.includes('pglite')) {
    const dir = await mkdtemp(join(tmpdir(), 'gencaster-pglite-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const database = await openDatabase({ inMemory: true });
    try {
      await migrate(database);
      const dump = await database.pglite!.dumpDataDir('none');
      const file = join(dir, 'migrated.tar');
      await writeFile(file, Buffer.from(await dump.arrayBuffer()));
      project.provide('pgliteSnapshot', file);
    } finally {
      await database.close();
    }
  }

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}

async function prepareTemplate(url: string): Promise<void> {
  const admin = await openDatabase({ url, poolSize: 1 });
  try {
    const { sql } = await import('kysely');
    await sql.raw(`drop database if exists ${TEMPLATE_DATABASE} with (force)`).execute(admin.db);
    await sql.raw(`create database ${TEMPLATE_DATABASE}`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const template = await openDatabase({
    url: withDatabaseName(url, TEMPLATE_DATABASE),
    poolSize: 1,
  });
  try {
    await migrate(template);
  } finally {
    await template.close();
  }
}
