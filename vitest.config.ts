import { defineConfig } from 'vitest/config';

// One run for every package. Integration tests start real processes (PostgreSQL, sclang, Janus,
// Chromium), so timeouts are generous and parallelism stays within the 2-core budget.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/backend/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    pool: 'forks',
  },
});
