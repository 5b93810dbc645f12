import { configDefaults, defineConfig } from 'vitest/config';

// One run for every package. Integration tests start real processes (PostgreSQL, sclang, Janus,
// Chromium), so timeouts are generous and parallelism stays within the 2-core budget.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/backend/src/**/*.test.ts',
      'e2e/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // Long load suites run with `npm run test:load` (vitest.load.config.ts), not in `npm test`.
    exclude: [...configDefaults.exclude, '**/*.load.test.ts'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    // Real processes on a busy 2-core machine sometimes lose a race with the scheduler. One retry
    // keeps such a run green; the reporter marks it "(retry x1)" so it is still seen and fixed.
    // A test that fails twice fails the run.
    retry: 1,
    pool: 'forks',
  },
});
