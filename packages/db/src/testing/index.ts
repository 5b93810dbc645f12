// Test helpers of @gencaster/db: test databases for *.test.ts files, and the throwaway PostgreSQL
// server that tests and `gencaster cluster` start.
export {
  describeEachEngine,
  testEngines,
  type DescribeEachEngineOptions,
} from './describe-each-engine.ts';
export { openTestDatabase, postgresSkipReason, pgliteSkipReason } from './test-database.ts';
export {
  startPostgresServer,
  postgresUnavailableReason,
  freePort,
  type PostgresServer,
} from './postgres-server.ts';
