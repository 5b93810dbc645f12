// One user, one stream: two listeners at once get different stream points (different Janus
// mountpoints); a third one, with only two points running, sees "no stream available" and can retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchTestBrowser, type TestBrowser } from './support/listener-browser.ts';
import { startListenerBackend, type ListenerBackend } from './support/listener-backend.ts';
import { createTestGraph } from './support/listener-graphs.ts';
import { saveScreenshot } from './support/listener-output.ts';
import {
  ensureListenerBuilt,
  fullStackUnavailableReason,
  warnSkip,
} from './support/listener-requirements.ts';

const skip = warnSkip('listener-assignment', fullStackUnavailableReason());

async function mountpointOf(page: Page): Promise<string> {
  const state = page.getByTestId('stream-state');
  await expect.poll(() => state.getAttribute('data-mountpoint'), { timeout: 30_000 }).not.toBe('');
  return (await state.getAttribute('data-mountpoint')) ?? '';
}

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(skip)('stream assignment', { retry: 1, timeout: 240_000 }, () => {
  let server: ListenerBackend;
  let browser: TestBrowser;

  beforeAll(async () => {
    ensureListenerBuilt();
    server = await startListenerBackend({ soundPoints: 2 });
    await server.waitForPoints(2);
    await createTestGraph(server, {
      name: 'Listener waiting room',
      slug: 'listener-waiting-room',
      policy: 'ONE_USER_ONE_STREAM',
      nodes: [{ name: 'Start', cells: [{ type: 'PYTHON', code: 'await asyncio.sleep(600)' }] }],
    });
    browser = await launchTestBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('gives two listeners different points and tells the third that none is free', async () => {
    const url = `${server.url}/listen/listener-waiting-room`;
    const first = await browser.newPage();
    await first.goto(url);
    const firstMountpoint = await mountpointOf(first);
    const second = await browser.newPage();
    await second.goto(url);
    const secondMountpoint = await mountpointOf(second);
    expect(firstMountpoint).not.toBe(secondMountpoint);

    const third = await browser.newPage();
    await third.goto(url);
    await third.getByTestId('no-stream').waitFor({ timeout: 30_000 });
    expect(await third.getByTestId('no-stream').textContent()).toMatch(/no stream|kein Stream/i);
    await saveScreenshot(third, 'assignment-third-no-stream');

    // When the first listener presses Stop (leaves at once, unlike a closed tab that keeps the
    // point for the API's reconnect grace), its point is free again and the third one gets it on retry.
    await first.getByTestId('start-button').click();
    await first.getByTestId('stop-button').click();
    await first.getByTestId('end-screen').waitFor();
    await expect
      .poll(
        async () => {
          await third.getByTestId('no-stream').getByRole('button').click();
          await third.waitForTimeout(1500);
          return third.getByTestId('stream-state').getAttribute('data-mountpoint');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(firstMountpoint);
    await saveScreenshot(third, 'assignment-third-after-retry');
  });
});
