/** A chart a benchmark asks `bench/run.ts` to draw next to the report (PNG + SVG). */
export interface ChartSpec {
  /** File name without extension, e.g. `audio-latency-histogram`. */
  file: string;
  title: string;
  /** `histogram`: series `values` binned; `line`: series `points` as [x, y]. */
  kind: 'histogram' | 'line';
  xLabel: string;
  yLabel: string;
  series: Array<{ label: string; values?: number[]; points?: Array<[number, number]> }>;
  /** Histogram bin width (default: about 30 bins over the range). */
  binWidth?: number;
}
