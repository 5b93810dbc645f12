// Public surface of @gencaster/db: open/migrate, schema types, transactions, error mapping and one
// repository module per area. Every repository function takes a DbHandle (a Database or `{ db: trx }`).
export type { Database, DatabaseEngine, DbHandle } from './database.ts';
export { openDatabase, type OpenDatabaseOptions } from './open-database.ts';
export { migrate, type MigrateResult } from './migrate.ts';
export { migrations, type MigrationDefinition } from './migrations/index.ts';
export type * from './schema.ts';
export { PGliteDialect } from './pglite-dialect.ts';
export { withTransaction } from './transaction.ts';
export { mapDatabaseError, withDatabaseErrors } from './database-errors.ts';
export { hashPassword, verifyPassword } from './password-hash.ts';
export * from './repositories/stream-points.ts';
export * from './repositories/streams.ts';
export * from './repositories/stream-release.ts';
export * from './repositories/stream-variables.ts';
export * from './repositories/instructions.ts';
export * from './repositories/stream-logs.ts';
export * from './repositories/audio-files.ts';
export * from './repositories/text-to-speech.ts';
export * from './repositories/graphs.ts';
export * from './repositories/graph-detail.ts';
export * from './repositories/nodes.ts';
export * from './repositories/node-doors.ts';
export * from './repositories/edges.ts';
export * from './repositories/script-cells.ts';
export * from './repositories/users.ts';
export * from './repositories/sessions.ts';
export * from './repositories/engine-leases.ts';
export * from './repositories/graph-copy.ts';
