import { defineConfig } from 'vitest/config';

// Long load suites (`*.load.test.ts`, `npm run test:load`): minutes of simulated listeners against
// real processes. Same database global setup as the main run; one file at a time.
export default defineConfig({
  test: {
    include: ['**/*.load.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    env: { GENCASTER_LOAD_SUITE: '1' },
    testTimeout: 900_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    pool: 'forks',
  },
});
