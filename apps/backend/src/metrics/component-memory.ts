// Resident memory per component: the backend process itself and every process it started (the
// sound fleet's jackd, scsynth, sclang, GStreamer and Janus, sandbox children), by command name.
import { listDescendants, readResidentBytes } from '@gencaster/sound';
import type { MetricsRegistry, Sample } from './metrics-registry.ts';

/** Sums resident memory and counts processes per command name, the backend first. */
export function componentMemory(rootPid = process.pid): { memory: Sample[]; processes: Sample[] } {
  const bytes = new Map<string, number>([['backend', process.memoryUsage.rss()]]);
  const counts = new Map<string, number>([['backend', 1]]);
  for (const child of listDescendants(rootPid)) {
    const resident = readResidentBytes(child.pid);
    if (resident === null) continue; // ended meanwhile, or a kernel thread without memory
    bytes.set(child.comm, (bytes.get(child.comm) ?? 0) + resident);
    counts.set(child.comm, (counts.get(child.comm) ?? 0) + 1);
  }
  const samples = (values: Map<string, number>) =>
    [...values].map(([component, value]) => ({ labels: { component }, value }));
  return { memory: samples(bytes), processes: samples(counts) };
}

/** Registers `gencaster_component_resident_memory_bytes` and `gencaster_component_processes`. */
export function registerComponentMemory(registry: MetricsRegistry): void {
  registry.collect(
    'gencaster_component_resident_memory_bytes',
    'Resident memory by component: the backend process and, by command name, the processes it started',
    'gauge',
    () => componentMemory().memory,
    ['component'],
  );
  registry.collect(
    'gencaster_component_processes',
    'Processes by component (command name) under the backend',
    'gauge',
    () => componentMemory().processes,
    ['component'],
  );
}
