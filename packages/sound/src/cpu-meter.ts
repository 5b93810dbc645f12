import { CLOCK_TICKS_PER_SECOND, readProcStat } from './process-tools.ts';

/**
 * CPU usage per PID from `/proc/<pid>/stat` deltas: percent of one core used between two samples
 * at least `minIntervalMs` apart (calls in between return the last value, so frequent readers don't
 * shrink the window). `null` on the first sample or when the PID is gone.
 */
export interface CpuMeter {
  sample(pid: number): number | null;
}

/** Creates a {@link CpuMeter}. */
export function createCpuMeter({
  minIntervalMs = 900,
  now = Date.now,
}: { minIntervalMs?: number; now?: () => number } = {}): CpuMeter {
  const last = new Map<number, { ticks: number; at: number; percent: number | null }>();
  return {
    sample(pid) {
      const previous = last.get(pid);
      const at = now();
      if (previous && at - previous.at < minIntervalMs) return previous.percent;
      const stat = readProcStat(pid);
      if (!stat) {
        last.delete(pid);
        return null;
      }
      const percent =
        previous && at > previous.at
          ? Math.round(
              ((stat.cpuTicks - previous.ticks) /
                CLOCK_TICKS_PER_SECOND /
                ((at - previous.at) / 1000)) *
                1000,
            ) / 10
          : null;
      last.set(pid, { ticks: stat.cpuTicks, at, percent });
      return percent;
    },
  };
}
