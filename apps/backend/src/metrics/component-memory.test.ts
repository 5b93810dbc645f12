// Memory by component on real processes, and the registry's scrape-time collectors on prom-client.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { componentMemory } from './component-memory.ts';
import { createMetricsRegistry } from './metrics-registry.ts';

describe('memory by component', () => {
  it('counts the backend and each process it started, with their resident memory', async () => {
    const children = [spawn('sleep', ['30']), spawn('sleep', ['30'])];
    await Promise.all(children.map((child) => once(child, 'spawn')));
    try {
      const { memory, processes } = componentMemory();
      const of = (samples: typeof memory, component: string) =>
        samples.find((sample) => sample.labels?.component === component)?.value;
      expect(of(processes, 'backend')).toBe(1);
      expect(of(memory, 'backend')).toBeGreaterThan(10 * 1024 * 1024);
      expect(of(processes, 'sleep')).toBe(2);
      expect(of(memory, 'sleep')).toBeGreaterThan(0);
      // Far below the backend: the figure is each child's own, not the parent's.
      expect(of(memory, 'sleep')!).toBeLessThan(of(memory, 'backend')!);
    } finally {
      for (const child of children) child.kill();
    }
    await Promise.all(children.map((child) => once(child, 'exit')));
    expect(componentMemory().processes.some((s) => s.labels?.component === 'sleep')).toBe(false);
  });
});

describe('metrics registry', () => {
  it('renders scrape-time gauges and counters, and counts a failing collector, whose gauge reads NaN', async () => {
    const registry = createMetricsRegistry();
    let packets = 3;
    registry.collect('demo_packets_total', 'packets', 'counter', () => [{ value: packets }]);
    registry.collect(
      'demo_points',
      'points',
      'gauge',
      () => [{ labels: { state: 'online' }, value: 2 }],
      ['state'],
    );
    registry.collect('demo_broken', 'broken', 'gauge', () => {
      throw new Error('the database is gone');
    });
    const first = await registry.render();
    expect(first).toContain('demo_packets_total 3');
    expect(first).toContain('demo_points{state="online"} 2');
    // prom-client prints NaN as "Nan"; Prometheus reads either.
    expect(first).toMatch(/^demo_broken nan$/im);
    expect(first).toContain('gencaster_metrics_collect_errors_total 1');
    packets = 5;
    const second = await registry.render();
    // A counter copied from elsewhere shows the current total, not a sum of scrapes.
    expect(second).toContain('demo_packets_total 5');
    expect(second).toContain('gencaster_metrics_collect_errors_total 2');
  });
});
