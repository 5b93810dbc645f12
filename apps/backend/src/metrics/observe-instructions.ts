import { isGencasterError } from '@gencaster/domain';
import type { InstructionSender } from '@gencaster/osc';
import type { Histogram } from './metrics-registry.ts';

/** Round-trip buckets in seconds: sclang answers in ms, sound files play for minutes. */
export const INSTRUCTION_LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
] as const;

/**
 * Wraps an instruction sender so that each `send` records the time from sending to its outcome in
 * `histogram`, labelled `outcome`: `finished` (FINISHED/SUCCESS ack), `failure` (FAILURE ack),
 * `timeout`, or `error` (could not be sent). Everything else passes through unchanged.
 */
export function observeInstructions(
  sender: InstructionSender,
  histogram: Histogram,
  now: () => number = () => performance.now(),
): InstructionSender {
  return {
    async send(request) {
      const started = now();
      const seconds = () => (now() - started) / 1000;
      try {
        const result = await sender.send(request);
        histogram.observe(seconds(), { outcome: 'finished' });
        return result;
      } catch (error) {
        const code = isGencasterError(error) ? error.code : 'INTERNAL';
        const outcome =
          code === 'INSTRUCTION_FAILED' ? 'failure' : code === 'TIMEOUT' ? 'timeout' : 'error';
        histogram.observe(seconds(), { outcome });
        throw error;
      }
    },
    sendVariable: (target) => sender.sendVariable(target),
    get pending() {
      return sender.pending;
    },
    close: () => sender.close(),
  };
}
