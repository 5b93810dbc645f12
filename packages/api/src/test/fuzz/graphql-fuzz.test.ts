// Short GraphQL fuzz run for `npm test`; the 10 000-request run is graphql-fuzz.load.test.ts.
import { describe } from 'vitest';
import { defineGraphqlFuzzSuite } from './graphql-fuzz-suite.ts';

describe('GraphQL API under 1 000 hostile requests', () => {
  defineGraphqlFuzzSuite({
    requests: Number(process.env.GENCASTER_FUZZ_REQUESTS ?? 1000),
    seed: 20261126,
    maxHeapGrowthBytes: 48 * 2 ** 20,
    timeoutMs: 120_000,
  });
});
