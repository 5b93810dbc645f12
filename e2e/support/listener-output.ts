import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Where listener tests put screenshots: GENCASTER_TEST_OUTPUT or `.data/test-output` (git-ignored). */
export const listenerOutputDir = join(
  process.env.GENCASTER_TEST_OUTPUT ?? resolve(import.meta.dirname, '../../.data/test-output'),
  'listener',
);

/** Saves a full-page screenshot named after the test step and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(listenerOutputDir, { recursive: true });
  const path = join(listenerOutputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
