// 10 000 hostile GraphQL requests (npm run test:load).
import { describe } from 'vitest';
import { defineGraphqlFuzzSuite } from './graphql-fuzz-suite.ts';

const skip = process.env.GENCASTER_LOAD_SUITE !== '1';
if (skip) console.warn('[load] graphql-fuzz.load skipped: load suites run with npm run test:load');

describe.skipIf(skip)('GraphQL API under 10 000 hostile requests', () => {
  defineGraphqlFuzzSuite({
    requests: 10_000,
    seed: 20261125,
    maxHeapGrowthBytes: 64 * 2 ** 20,
    timeoutMs: 900_000,
  });
});
