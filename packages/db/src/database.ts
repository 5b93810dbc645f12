import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Schema } from './schema.ts';

/** Which engine serves a {@link Database}. */
export type DatabaseEngine = 'pglite' | 'postgres';

/**
 * Anything that carries a Kysely instance: a {@link Database} or, inside
 * {@link withTransaction}, `{ db: trx }`. Every repository function takes one of these.
 */
export interface DbHandle {
  db: Kysely<Schema>;
}

/** An open database: Kysely plus the engine underneath. Close it (or `await using` it). */
export interface Database extends DbHandle, AsyncDisposable {
  engine: DatabaseEngine;
  /** The embedded instance (engine 'pglite'), e.g. for LISTEN/NOTIFY or `dumpDataDir`. */
  pglite?: PGlite;
  /** The connection pool (engine 'postgres'), e.g. for a dedicated LISTEN client. */
  pool?: Pool;
  /** Closes Kysely and the engine; safe to call twice. */
  close(): Promise<void>;
}
