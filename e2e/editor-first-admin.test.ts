// The first admin in a real Chromium: `gencaster start` on an empty database prints a one-time
// link; the editor's setup page takes name and password and ends logged in on the graph list.
// A wrong token shows the server's refusal and creates nothing; the used link is closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  login,
  startBackendProcess,
  type BackendProcess,
} from '../apps/backend/src/testing/backend-process.ts';
import { ensureEditorBuilt } from './support/editor-build.ts';
import { hasChromium, openEditorBrowser, type EditorBrowser } from './support/editor-browser.ts';

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(!hasChromium)('editor first-admin setup page', { retry: 1 }, () => {
  let dir: string;
  let backend: BackendProcess | undefined;
  let browser: EditorBrowser | undefined;
  beforeAll(async () => {
    await ensureEditorBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gencaster-setup-page-'));
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await backend?.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'creates the first admin from the printed link and logs in',
    { timeout: 300_000 },
    async () => {
      await browser?.close();
      await backend?.kill9();
      backend = await startBackendProcess({ dataDir: join(dir, `data-${Date.now()}`) });
      const link = /(http:\/\/\S+\/editor\/setup\?token=[\w-]+)/.exec(backend.output())?.[1];
      expect(link, backend.output()).toBeDefined();
      browser = await openEditorBrowser();
      const { page } = browser;

      // a tampered link: the page shows the server's refusal
      await page.goto(`${link?.slice(0, -2)}xx`);
      await page.locator('input[name=username]').fill('chief');
      await page.locator('input[name=password]').fill('chief password');
      await page.locator('input[name=repeat]').fill('chief password');
      await page.locator('[data-test=setup-submit]').click();
      await expect
        .poll(() => page.locator('[data-test=setup-error]').textContent())
        .toContain('this setup link is not valid');
      expect(await login(backend.url, 'chief', 'chief password')).toBeUndefined();

      // the real link
      await page.goto(link ?? '');
      await page.locator('input[name=username]').fill('chief');
      await page.locator('input[name=password]').fill('chief password');
      await page.locator('input[name=repeat]').fill('chief password');
      await page.locator('[data-test=setup-submit]').click();
      await page.waitForURL(/\/editor\/graph$/);
      await expect.poll(() => page.locator('body').textContent()).toContain('chief');
      expect(await login(backend.url, 'chief', 'chief password')).toBeDefined();

      // the link is used up: a fresh browser is told setup is closed
      await browser.close();
      browser = await openEditorBrowser();
      await browser.page.goto(link ?? '');
      await browser.page.locator('[data-test=setup-closed]').waitFor();
    },
  );
});
