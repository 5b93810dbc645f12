// A small Prometheus registry: counters, gauges and histograms rendered in the text exposition
// format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).

/** Label names and values of one series, e.g. `{ reason: 'timeout' }`. */
export type Labels = Readonly<Record<string, string>>;

/** A sample produced at scrape time. */
export interface Sample {
  labels?: Labels;
  value: number;
}

/** A monotonically increasing count; `inc` per label set. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

/** Buckets and sums of observed values (e.g. seconds). */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
  /** Number of observations of a label set. */
  count(labels?: Labels): number;
}

/** Registry of metrics; `render` collects every metric (async collectors run in parallel). */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string, buckets: readonly number[]): Histogram;
  /** A metric whose samples are read when scraped (gauges, or counters kept elsewhere). */
  collect(
    name: string,
    help: string,
    type: 'gauge' | 'counter',
    read: () => Sample[] | Promise<Sample[]>,
  ): void;
  /** The exposition text; a collector that throws is skipped and counted in `gencaster_metrics_collect_errors_total`. */
  render(): Promise<string>;
}

/** Content type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  return names.map((name) => `${name}="${escapeLabel(labels[name] ?? '')}"`).join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function line(name: string, key: string, value: number): string {
  return `${name}${key ? `{${key}}` : ''} ${formatValue(value)}`;
}

/**
 * Creates an empty registry. Names must be valid Prometheus names and unique.
 *
 * @example
 * const registry = createMetricsRegistry();
 * const kills = registry.counter('gencaster_sandbox_kills_total', 'Sandbox runs killed');
 * kills.inc({ reason: 'timeout' });
 * const text = await registry.render();
 */
export function createMetricsRegistry(): MetricsRegistry {
  const renderers = new Map<string, () => Promise<string[]>>();
  let collectErrors = 0;

  const register = (name: string, help: string, type: string, body: () => Promise<string[]>) => {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (renderers.has(name)) throw new Error(`metric ${name} registered twice`);
    const header = [
      `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
      `# TYPE ${name} ${type}`,
    ];
    renderers.set(name, async () => [...header, ...(await body())]);
  };

  return {
    counter(name, help) {
      const values = new Map<string, number>();
      register(name, help, 'counter', () =>
        Promise.resolve([...values].map(([key, value]) => line(name, key, value))),
      );
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${name} can only increase`);
          const key = labelKey(labels);
          values.set(key, (values.get(key) ?? 0) + by);
        },
        get: (labels) => values.get(labelKey(labels)) ?? 0,
      };
    },
    histogram(name, help, buckets) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { counts: number[]; sum: number; count: number }>();
      register(name, help, 'histogram', () =>
        Promise.resolve(
          [...series].flatMap(([key, s]) => {
            const prefix = key ? `${key},` : '';
            return [
              ...bounds.map((bound, i) =>
                line(`${name}_bucket`, `${prefix}le="${formatValue(bound)}"`, s.counts[i] ?? 0),
              ),
              line(`${name}_bucket`, `${prefix}le="+Inf"`, s.count),
              line(`${name}_sum`, key, s.sum),
              line(`${name}_count`, key, s.count),
            ];
          }),
        ),
      );
      return {
        observe(value, labels) {
          const key = labelKey(labels);
          let s = series.get(key);
          if (!s) {
            s = { counts: bounds.map(() => 0), sum: 0, count: 0 };
            series.set(key, s);
          }
          bounds.forEach((bound, i) => {
            if (value <= bound) s.counts[i] = (s.counts[i] ?? 0) + 1;
          });
          s.sum += value;
          s.count += 1;
        },
        count: (labels) => series.get(labelKey(labels))?.count ?? 0,
      };
    },
    collect(name, help, type, read) {
      register(name, help, type, async () => {
        try {
          const samples = await read();
          return samples.map((sample) => line(name, labelKey(sample.labels), sample.value));
        } catch {
          collectErrors += 1;
          return [];
        }
      });
    },
    async render() {
      const blocks = await Promise.all([...renderers.values()].map((render) => render()));
      blocks.push([
        '# HELP gencaster_metrics_collect_errors_total Metric collectors that failed during a scrape',
        '# TYPE gencaster_metrics_collect_errors_total counter',
        line('gencaster_metrics_collect_errors_total', '', collectErrors),
      ]);
      return `${blocks.flat().join('\n')}\n`;
    },
  };
}
