// Test helpers of @gencaster/db (import from '@gencaster/db/testing' in *.test.ts files only).
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
