// 100 000 hostile OSC packets (npm run test:load).
import { describe } from 'vitest';
import { defineOscFuzzSuite } from './osc-fuzz-suite.ts';

const skip = process.env.GENCASTER_LOAD_SUITE !== '1';
if (skip) console.warn('[load] osc-fuzz.load skipped: load suites run with npm run test:load');

describe.skipIf(skip)('OSC server under 100 000 hostile packets', () => {
  defineOscFuzzSuite({
    packets: 100_000,
    seed: 20261125,
    maxHeapGrowthBytes: 32 * 2 ** 20,
    timeoutMs: 600_000,
  });
});
