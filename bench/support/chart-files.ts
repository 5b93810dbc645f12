import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { ChartSpec } from './chart-spec.ts';
import { chartSvg } from './chart-svg.ts';
import { headlessChromiumFlags } from '../../e2e/support/chromium-flags.ts';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Writes `<file>.svg` for every chart into `dir` and rasterizes each to `<file>.png` with headless
 * Chromium (playwright-core, no browser download). Returns the image file to embed per chart: the
 * PNG, or the SVG when Chromium is missing or fails.
 */
export async function writeCharts(
  dir: string,
  charts: readonly ChartSpec[],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const chart of charts) {
    writeFileSync(join(dir, `${chart.file}.svg`), chartSvg(chart));
    files.set(chart.file, `${chart.file}.svg`);
  }
  if (charts.length === 0 || !existsSync(CHROMIUM)) return files;
  const profile = mkdtempSync(join(tmpdir(), 'gencaster-charts-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...headlessChromiumFlags],
      viewport: { width: 760, height: 420 },
    });
    try {
      const page = await context.newPage();
      for (const chart of charts) {
        await page.setContent(`<body style="margin:0">${chartSvg(chart)}</body>`);
        await page.locator('svg').screenshot({ path: join(dir, `${chart.file}.png`) });
        files.set(chart.file, `${chart.file}.png`);
      }
    } finally {
      await context.close();
    }
  } catch (error) {
    console.warn(`[bench] charts stay SVG only: ${String(error)}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  return files;
}
