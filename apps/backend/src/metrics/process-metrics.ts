// Standard process metrics (names as in the Prometheus client libraries) for the backend process.
import { startEventLoopWindow } from './event-loop-window.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * Registers CPU, memory, start time, open handles and event-loop delay of this process. Returns a
 * function that stops the event-loop monitor.
 */
export function registerProcessMetrics(
  registry: MetricsRegistry,
  loopWindow: { windowMs?: number } = {},
): () => void {
  const loop = startEventLoopWindow(loopWindow);
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
    ['mode'],
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
    ['kind'],
  );
  registry.collect(
    'nodejs_active_handles',
    'Active libuv handles (sockets, timers, children)',
    'gauge',
    () => [{ value: process.getActiveResourcesInfo().length }],
  );
  registry.collect(
    'nodejs_eventloop_delay_seconds',
    'Event-loop delay over the last 10 s window (p50, p99, max), beyond the sampling interval',
    'gauge',
    () => {
      const figures = loop.figures();
      return [
        { labels: { quantile: '0.5' }, value: figures.delayP50 },
        { labels: { quantile: '0.99' }, value: figures.delayP99 },
        { labels: { quantile: '1' }, value: figures.delayMax },
      ];
    },
    ['quantile'],
  );
  registry.collect(
    'nodejs_eventloop_utilization_ratio',
    'Share of the last 10 s window the event loop was busy (0 to 1)',
    'gauge',
    () => [{ value: loop.figures().utilization }],
  );
  return () => loop.stop();
}
