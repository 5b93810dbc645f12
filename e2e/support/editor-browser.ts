import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { headlessChromiumFlags } from './chromium-flags.ts';

/** Debian's Chromium; the browser tests skip with a printed reason when it is missing. */
export const chromiumPath = '/usr/bin/chromium';

/** True when the browser tests can run on this machine. */
export const hasChromium = existsSync(chromiumPath);

/** Where the editor tests put their screenshots (look at them after a run). */
export const screenshotDir = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'editor-screenshots',
);

/** One headless Chromium with its own profile, closed and deleted by `close()`. */
export interface EditorBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Starts headless Chromium with the flags this machine needs and a fresh user data dir. */
export async function openEditorBrowser(): Promise<EditorBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'gencaster-editor-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [...headlessChromiumFlags],
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot named after the test step. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Logs in through the editor's form and waits for the header. */
export async function logIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/editor/graph`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-test="current-user"]').waitFor();
}

/** Types text into the CodeMirror editor inside `scope` (replacing what is there). */
export async function typeInCodeMirror(
  page: Page,
  scope: ReturnType<Page['locator']>,
  text: string,
): Promise<void> {
  const content = scope.locator('.cm-content').first();
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
