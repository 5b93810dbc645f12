// Short OSC fuzz run for `npm test`; the 100 000-packet run is osc-fuzz.load.test.ts.
import { defineOscFuzzSuite } from './osc-fuzz-suite.ts';

defineOscFuzzSuite({
  packets: 10_000,
  seed: 20261126,
  maxHeapGrowthBytes: 24 * 2 ** 20,
  timeoutMs: 120_000,
});
