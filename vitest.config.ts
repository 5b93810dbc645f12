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
    // No global retry: a suite that starts real processes (sclang, JACK, Janus, Chromium, a backend)
    // sets `retry` itself with a comment saying why; every other test must pass on its first run.
    pool: 'forks',
  },
});
