import { defineConfig } from 'vitest/config';

// Runs only the editor's tests without the database global setup, for working on the editor
// while other packages are incomplete: npx vitest run -c e2e/support/editor-vitest.config.ts
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['e2e/editor-*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
