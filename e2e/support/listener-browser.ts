import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { headlessChromiumFlags, webRtcChromiumFlags } from './chromium-flags.ts';

/** Debian's Chromium. */
export const chromiumPath = '/usr/bin/chromium';

/** A headless Chromium with a fresh profile; `close` removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Options for the browser. */
export interface TestBrowserOptions {
  /** Fake position for the geolocation API (permission granted). */
  geolocation?: { latitude: number; longitude: number; accuracy?: number };
  /** Use Chromium's fake microphone (a beeping tone) and grant microphone access. */
  fakeMicrophone?: boolean;
}

/** Launches headless Chromium with the project's flags and a temporary user data dir. */
export async function launchTestBrowser(options: TestBrowserOptions = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'listener-chromium-'));
  const args = [...headlessChromiumFlags, ...webRtcChromiumFlags];
  if (options.fakeMicrophone)
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream');
  const permissions: string[] = [];
  if (options.geolocation) permissions.push('geolocation');
  if (options.fakeMicrophone) permissions.push('microphone');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1000, height: 800 },
    permissions,
    ...(options.geolocation ? { geolocation: options.geolocation } : {}),
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects page errors and console errors so tests can assert there were none. Ignored: the 404
 * of janus.js' pending long poll for a session the page just destroyed (after Stop).
 */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    // Janus answers the long poll of a session destroyed on Stop with 404 (also per point).
    const janusLongPoll = /\/janus\/(point\/[0-9a-f-]{36}\/)?\d+\?rid=/;
    if (message.text().includes(' 404 ') && janusLongPoll.test(url)) return;
    errors.push(`console: ${message.text()} ${url}`);
  });
  return errors;
}

/** Reads the RMS level shown by a level meter (data-level attribute), or 0. */
export async function readLevel(page: Page, testId = 'stream-level'): Promise<number> {
  const value = await page
    .getByTestId(testId)
    .first()
    .getAttribute('data-level', { timeout: 1000 })
    .catch(() => null);
  return value ? Number(value) : 0;
}
