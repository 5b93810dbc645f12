// Standard process metrics (names as in the Prometheus client libraries) for the backend process.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * Registers CPU, memory, start time, open handles and event-loop delay of this process. Returns a
 * function that stops the event-loop monitor.
 */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  registry.collect(
    'process_cpu_seconds_total',
    'User and system CPU time spent, seconds',
    'counter',
    () => {
      const { user, system } = process.cpuUsage();
      return [
        { labels: { mode: 'user' }, value: user / 1e6 },
        { labels: { mode: 'system' }, value: system / 1e6 },
      ];
    },
  );
  registry.collect('process_resident_memory_bytes', 'Resident memory size, bytes', 'gauge', () => [
    { value: process.memoryUsage.rss() },
  ]);
  registry.collect(
    'process_start_time_seconds',
    'Start time since the Unix epoch, seconds',
    'gauge',
    () => [{ value: startSeconds }],
  );
  registry.collect(
    'nodejs_heap_bytes',
    'V8 heap, bytes (used and total) and external memory',
    'gauge',
    () => {
      const memory = process.memoryUsage();
      return [
        { labels: { kind: 'used' }, value: memory.heapUsed },
        { labels: { kind: 'total' }, value: memory.heapTotal },
        { labels: { kind: 'external' }, value: memory.external },
        { labels: { kind: 'array_buffers' }, value: memory.arrayBuffers },
      ];
    },
  );
  registry.collect(
    'nodejs_active_handles',
    'Active libuv handles (sockets, timers, children)',
    'gauge',
    () => [{ value: process.getActiveResourcesInfo().length }],
  );
  registry.collect(
    'nodejs_eventloop_delay_seconds',
    'Event-loop delay since the last scrape (p50, p99, max)',
    'gauge',
    () => {
      const samples = [
        { labels: { quantile: '0.5' }, value: loop.percentile(50) / 1e9 },
        { labels: { quantile: '0.99' }, value: loop.percentile(99) / 1e9 },
        { labels: { quantile: '1' }, value: loop.max / 1e9 },
      ];
      loop.reset();
      return samples;
    },
  );
  return () => loop.disable();
}
