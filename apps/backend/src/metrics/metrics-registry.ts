// The backend's Prometheus registry, on prom-client (the well-kept Node client): counters,
// histograms, and metrics read at scrape time, rendered in the text exposition format.
import {
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
} from 'prom-client';

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
  /** `labelNames`: every label the counter may carry (prom-client checks them). */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames?: readonly string[],
  ): Histogram;
  /** A metric whose samples are read when scraped (gauges, or counters kept elsewhere). */
  collect(
    name: string,
    help: string,
    type: 'gauge' | 'counter',
    read: () => Sample[] | Promise<Sample[]>,
    labelNames?: readonly string[],
  ): void;
  /** The exposition text; a collector that throws is skipped and counted in `gencaster_metrics_collect_errors_total`. */
  render(): Promise<string>;
}

/** Content type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Key of a label set, for the synchronous `get`/`count` readers. */
function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',');
}

/**
 * Creates an empty registry (not prom-client's global one, so tests and several backends in one
 * process never share series). Names must be valid Prometheus names and unique.
 *
 * @example
 * const registry = createMetricsRegistry();
 * const kills = registry.counter('gencaster_sandbox_kills_total', 'Sandbox runs killed', ['reason']);
 * kills.inc({ reason: 'timeout' });
 * const text = await registry.render();
 */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  const collectErrors = new PromCounter({
    name: 'gencaster_metrics_collect_errors_total',
    help: 'Metric collectors that failed during a scrape',
    registers: [registry],
  });

  return {
    counter(name, help, labelNames = []) {
      const counter = new PromCounter({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry],
      });
      const totals = new Map<string, number>();
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${name} can only increase`);
          counter.inc({ ...labels }, by);
          const key = labelKey(labels);
          totals.set(key, (totals.get(key) ?? 0) + by);
        },
        get: (labels) => totals.get(labelKey(labels)) ?? 0,
      };
    },
    histogram(name, help, buckets, labelNames = []) {
      const histogram = new PromHistogram({
        name,
        help,
        buckets: [...buckets],
        labelNames: [...labelNames],
        registers: [registry],
      });
      const counts = new Map<string, number>();
      return {
        observe(value, labels) {
          histogram.observe({ ...labels }, value);
          const key = labelKey(labels);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        },
        count: (labels) => counts.get(labelKey(labels)) ?? 0,
      };
    },
    collect(name, help, type, read, labelNames = []) {
      // Values kept elsewhere are copied in at scrape time. A failed read is counted; a gauge
      // then shows no samples (NaN when it has no labels, as prom-client always prints those),
      // a counter keeps its last total (a drop to 0 would read as a restart).
      const Metric = type === 'gauge' ? PromGauge : PromCounter;
      new Metric({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry],
        async collect(this: PromGauge | PromCounter) {
          let samples: Sample[];
          try {
            samples = await read();
          } catch {
            collectErrors.inc();
            if (this instanceof PromGauge) {
              this.reset();
              if (labelNames.length === 0) this.set(Number.NaN);
            }
            return;
          }
          this.reset();
          for (const sample of samples) {
            const labels = { ...sample.labels };
            if (this instanceof PromGauge) this.set(labels, sample.value);
            else this.inc(labels, Math.max(0, sample.value));
          }
        },
      });
    },
    render: () => registry.metrics(),
  };
}
