import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Database, DatabaseEngine } from '../database.ts';
import { openTestDatabase, pgliteSkipReason, postgresSkipReason } from './test-database.ts';

/** Options of {@link describeEachEngine}. */
export interface DescribeEachEngineOptions {
  /**
   * 'block' (default): one fresh database for all tests of the block (write tests that do not
   * depend on empty tables, e.g. use unique names). 'test': a fresh database for every test.
   */
  fresh?: 'block' | 'test';
  /** Retries of a failed test; only for suites that start real processes (say why there). */
  retry?: number;
}

/** All engines every database test runs on. */
export const testEngines: readonly DatabaseEngine[] = ['pglite', 'postgres'];

/**
 * Declares the same tests once per engine: `name [pglite]` on an in-memory PGlite loaded from a
 * migrated snapshot, and `name [postgres]` on a new database of the throwaway PostgreSQL 15 server
 * that the global setup started. An engine that is unavailable is skipped with a printed reason.
 * Call `getDb()` inside tests or hooks (not at declaration time).
 *
 * @example
 * describeEachEngine('graphs', (getDb) => {
 *   it('creates a graph', async () => {
 *     const graph = await createGraph(getDb(), { name: 'A' });
 *     expect(graph.slugName).toBe('a');
 *   });
 * });
 */
export function describeEachEngine(
  name: string,
  fn: (getDb: () => Database, engine: DatabaseEngine) => void,
  options: DescribeEachEngineOptions = {},
): void {
  for (const engine of testEngines) {
    const reason = engine === 'postgres' ? postgresSkipReason() : pgliteSkipReason();
    if (reason) console.warn(`[gencaster db] skipping "${name} [${engine}]": ${reason}`);
    describe.skipIf(reason !== undefined)(
      `${name} [${engine}]`,
      { retry: options.retry ?? 0 },
      () => {
        let database: Database | undefined;
        const open = async () => {
          database = await openTestDatabase(engine);
        };
        const close = async () => {
          const current = database;
          database = undefined;
          await current?.close();
        };
        if (options.fresh === 'test') {
          beforeEach(open);
          afterEach(close);
        } else {
          beforeAll(open);
          afterAll(close);
        }
        fn(() => {
          if (!database) throw new Error('the test database is open only inside tests and hooks');
          return database;
        }, engine);
      },
    );
  }
}
