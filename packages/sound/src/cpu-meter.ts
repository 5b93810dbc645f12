import { CLOCK_TICKS_PER_SECOND, readProcStat } from './process-tools.ts';

/**
 * CPU usage per PID from `/proc/<pid>/stat` deltas between two calls: percent of one core used
 * since the previous sample of the same PID (`null` on the first sample or when the PID is gone).
 */
export interface CpuMeter {
  sample(pid: number): number | null;
}

/** Creates a {@link CpuMeter}. */
export function createCpuMeter(now: () => number = Date.now): CpuMeter {
  const last = new Map<number, { ticks: number; at: number }>();
  return {
    sample(pid) {
      const stat = readProcStat(pid);
      if (!stat) {
        last.delete(pid);
        return null;
      }
      const at = now();
      const previous = last.get(pid);
      last.set(pid, { ticks: stat.cpuTicks, at });
      if (!previous || at <= previous.at) return null;
      const seconds = (stat.cpuTicks - previous.ticks) / CLOCK_TICKS_PER_SECOND;
      return Math.round((seconds / ((at - previous.at) / 1000)) * 1000) / 10;
    },
  };
}
