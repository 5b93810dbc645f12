// `npm run bench`: runs every benchmark file in this folder and prints each figure next to the
// baseline measured in the same run, then writes bench/report.md.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { ChartSpec } from './support/chart-spec.ts';
import { writeCharts } from './support/chart-files.ts';

/** What every benchmark file's default export resolves to. */
export interface BenchmarkResult {
  name: string;
  results: Array<{
    case: string;
    ms: number;
    baselineMs: number;
    ratio: number;
    note?: string;
    /** Unit of `ms`/`baselineMs` when they are not milliseconds (e.g. `% CPU`, `KiB`). */
    unit?: string;
  }>;
  /** Charts drawn next to the report (PNG and SVG) and embedded in it. */
  charts?: ChartSpec[];
  /** Paragraphs printed under the table: what the figures mean, which targets are (not) met and why. */
  summary?: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** The `## ` sections of an existing report (name without the "from an earlier run" tag). */
function previousSections(file: string): Array<{ name: string; body: string[] }> {
  if (!existsSync(file)) return [];
  const sections: Array<{ name: string; body: string[] }> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('## '))
      sections.push({ name: line.slice(3).replace(/ \(from an earlier run\)$/, ''), body: [] });
    else if (!line.startsWith('Failed benchmark files')) sections.at(-1)?.body.push(line);
  }
  return sections;
}
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const reports: BenchmarkResult[] = [];
const failures: string[] = [];
for (const file of files) {
  console.log(`\n[bench] ${file}`);
  const started = Date.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as {
      default?: () => Promise<BenchmarkResult>;
    };
    if (typeof module.default !== 'function') throw new Error('no default export function');
    const report = await module.default();
    reports.push(report);
    console.table(
      report.results.map((row) => ({
        case: row.case,
        ms: Number(row.ms.toFixed(3)),
        baselineMs: Number(row.baselineMs.toFixed(3)),
        unit: row.unit ?? 'ms',
        ratio: Number(row.ratio.toFixed(2)),
        note: row.note ?? '',
      })),
    );
    console.log(`[bench] ${file} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failures.push(file);
    console.error(
      `[bench] ${file} failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
}

const images = await writeCharts(
  here,
  reports.flatMap((report) => report.charts ?? []),
);
const lines = [
  '# Benchmark report',
  '',
  `Run at ${new Date().toISOString()} on ${process.platform}, Node ${process.version}.`,
  '',
];
const fresh = new Set(reports.map((report) => report.name));
for (const report of reports) {
  lines.push(
    `## ${report.name}`,
    '',
    '| case | value | baseline | ratio | note |',
    '|---|---:|---:|---:|---|',
  );
  for (const row of report.results) {
    lines.push(
      `| ${row.case} | ${row.ms.toFixed(3)} ${row.unit ?? 'ms'} | ${row.baselineMs.toFixed(3)} ${row.unit ?? 'ms'} | ${row.ratio.toFixed(2)} | ${row.note ?? ''} |`,
    );
  }
  lines.push('');
  for (const paragraph of report.summary ?? []) lines.push(paragraph, '');
  for (const chart of report.charts ?? []) {
    const image = images.get(chart.file);
    if (image) lines.push(`![${chart.title}](${image})`, '');
  }
}
// A filtered run (`npm run bench -- audio-latency`) keeps the other sections of the last report.
if (only.length > 0) {
  for (const section of previousSections(join(here, 'report.md'))) {
    if (!fresh.has(section.name))
      lines.push(`## ${section.name} (from an earlier run)`, ...section.body);
  }
}
if (failures.length) lines.push(`Failed benchmark files: ${failures.join(', ')}`, '');
// Formatted like the rest of the repository, so `npm run format:check` accepts a fresh report.
const reportFile = join(here, 'report.md');
writeFileSync(
  reportFile,
  await format(lines.join('\n'), {
    ...(await resolveConfig(reportFile)),
    parser: 'markdown',
  }),
);
console.log(
  `\n[bench] wrote bench/report.md (${reports.length} benchmark files, ${failures.length} failed)`,
);
process.exit(failures.length ? 1 : 0);
