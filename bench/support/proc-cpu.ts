import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  name: string;
  ticks: number;
  rssKiB: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] = state (field 3); utime = field 14, stime = 15, rss = 24 (pages).
    return {
      pid,
      ppid: Number(fields[1]),
      name,
      ticks: Number(fields[11]) + Number(fields[12]),
      rssKiB: Number(fields[21]) * 4,
    };
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (children, grandchildren, … — detached groups included). */
export function descendants(root: number): ProcStat[] {
  const all = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readStat(Number(entry)))
    .filter((stat): stat is ProcStat => stat !== null);
  const byParent = new Map<number, ProcStat[]>();
  for (const stat of all) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), stat]);
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** CPU use of a set of processes over a window: total and per process name (percent of one core). */
export interface CpuSample {
  totalPercent: number;
  byName: Record<string, number>;
  rssKiB: number;
}

/**
 * Samples the CPU ticks of every descendant of this process (except those in `exclude`, by
 * default tsx's esbuild service) at the
 * start and end of `ms` and returns the percentage of one core they used in between.
 */
export async function sampleChildrenCpu(
  ms: number,
  exclude: (name: string) => boolean = (name) => name === 'esbuild',
): Promise<CpuSample> {
  const pick = () => descendants(process.pid).filter((stat) => !exclude(stat.name));
  const before = new Map(pick().map((stat) => [stat.pid, stat]));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const seconds = (performance.now() - started) / 1000;
  const after = pick();
  const byName: Record<string, number> = {};
  let total = 0;
  let rssKiB = 0;
  for (const stat of after) {
    const start = before.get(stat.pid);
    if (!start) continue;
    const percent = ((stat.ticks - start.ticks) / TICKS / seconds) * 100;
    const name = stat.name.replace(/^gst-launch.*/, 'gst-launch');
    byName[name] = (byName[name] ?? 0) + percent;
    total += percent;
    rssKiB += stat.rssKiB;
  }
  return { totalPercent: total, byName, rssKiB };
}
