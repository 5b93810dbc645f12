import type { ChartSpec } from './chart-spec.ts';

const WIDTH = 760;
const HEIGHT = 420;
const PAD = { left: 70, right: 20, top: 40, bottom: 60 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const esc = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Round tick values covering [min, max]. */
function ticks(min: number, max: number, count = 6): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toFixed(2))));

/**
 * Draws a chart as a standalone SVG: a histogram (series `values`, binned; bars of the series side
 * by side within a bin) or a line chart (series `points`), with axes, ticks and a legend.
 */
export function chartSvg(spec: ChartSpec): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const parts: string[] = [];
  let xMin: number;
  let xMax: number;
  let yMax: number;
  const shapes: string[] = [];
  const x = (v: number) => PAD.left + ((v - xMin) / (xMax - xMin || 1)) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / (yMax || 1)) * plotH;
  if (spec.kind === 'histogram') {
    const all = spec.series.flatMap((s) => s.values ?? []);
    const lo = Math.min(...all, 0);
    const hi = Math.max(...all, 1);
    const width = spec.binWidth ?? Math.max(1, (hi - lo) / 30);
    xMin = Math.floor(lo / width) * width;
    xMax = (Math.floor(hi / width) + 1) * width;
    const bins = Math.round((xMax - xMin) / width);
    const counts = spec.series.map((s) => {
      const c = new Array<number>(bins).fill(0);
      for (const v of s.values ?? []) c[Math.min(bins - 1, Math.floor((v - xMin) / width))]!++;
      return c;
    });
    yMax = Math.max(1, ...counts.flat());
    counts.forEach((c, si) => {
      const barW = plotW / bins / spec.series.length;
      c.forEach((n, bi) => {
        if (n === 0) return;
        const left = x(xMin + bi * width) + si * barW;
        shapes.push(
          `<rect x="${left.toFixed(1)}" y="${y(n).toFixed(1)}" width="${Math.max(1, barW - 0.5).toFixed(1)}" height="${(y(0) - y(n)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}" fill-opacity="0.8"/>`,
        );
      });
    });
  } else {
    const pts = spec.series.flatMap((s) => s.points ?? []);
    xMin = Math.min(...pts.map((p) => p[0]), 0);
    xMax = Math.max(...pts.map((p) => p[0]), 1);
    yMax = Math.max(...pts.map((p) => p[1]), 1) * 1.1;
    spec.series.forEach((s, si) => {
      const color = COLORS[si % COLORS.length];
      const line = (s.points ?? []).map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`);
      shapes.push(
        `<polyline points="${line.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
      for (const p of s.points ?? [])
        shapes.push(
          `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.5" fill="${color}"/>`,
        );
    });
  }
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  );
  for (const t of ticks(xMin, xMax))
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH + 5}" stroke="#333"/>`,
      `<text x="${x(t)}" y="${PAD.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`,
    );
  for (const t of ticks(0, yMax))
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 8}" y="${y(t) + 4}" text-anchor="end">${label(t)}</text>`,
    );
  parts.push(
    ...shapes,
    `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 18}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(18 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, si) => {
    const top = PAD.top + 8 + si * 18;
    parts.push(
      `<rect x="${PAD.left + plotW - 300}" y="${top}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`,
      `<text x="${PAD.left + plotW - 282}" y="${top + 10}">${esc(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
