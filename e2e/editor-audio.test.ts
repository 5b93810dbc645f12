// The audio library against the real upload path: a WAV made by sox appears in the list, a text
// file posing as .wav is rejected with the server's message, search and edit refresh the list.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot } from './support/editor-browser.ts';
import { useEditorSession } from './support/editor-session.ts';

const hasSox = existsSync('/usr/bin/sox');
if (!hasSox) console.warn('editor audio test skipped: sox is missing');

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(!hasChromium || !hasSox)('editor: audio library', { retry: 1 }, () => {
  const session = useEditorSession();
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gencaster-audio-'));
    await promisify(execFile)('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '1',
      '-b',
      '16',
      join(dir, 'tone.wav'),
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    await writeFile(join(dir, 'notes.wav'), 'this is not audio at all\n'.repeat(40));
  }, 240_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('rejects a non-audio file with the server message', async () => {
    const { page } = session.browser;
    await page.goto(`${session.server.url}/editor/audio`);
    await page.locator('[data-test="audio-file-input"]').setInputFiles(join(dir, 'notes.wav'));
    await page.locator('input[name="audio-name"]').fill('Not audio');
    await page.locator('[data-test="upload-audio"]').click();
    const error = page.locator('[data-test="upload-error"]');
    await error.waitFor();
    const message = ((await error.textContent()) ?? '').trim();
    // The server decoded the upload and said why it is not audio (not a wiring or network error).
    expect(message.length).toBeGreaterThan(5);
    expect(message).not.toMatch(/not configured|not reachable|without data/i);
    expect(await page.locator('[data-test="audio-table"] .el-table__row').count()).toBe(0);
    await screenshot(page, 'audio-01-rejected');
  });

  it('uploads a WAV that then appears in the list, can be searched and renamed', async () => {
    const { page } = session.browser;
    await page.locator('[data-test="audio-file-input"]').setInputFiles(join(dir, 'tone.wav'));
    await page.locator('input[name="audio-name"]').fill('Sine tone');
    await page.locator('textarea[name="audio-description"]').fill('half a second of A');
    await page.locator('[data-test="upload-audio"]').click();
    const rows = page.locator('[data-test="audio-table"] .el-table__row');
    await rows.filter({ hasText: 'Sine tone' }).waitFor();
    await page.locator('input[name="audio-search"]').fill('nothing like this');
    await expect.poll(() => rows.count()).toBe(0);
    await page.locator('input[name="audio-search"]').fill('of a');
    await rows.filter({ hasText: 'Sine tone' }).waitFor();
    await rows.filter({ hasText: 'Sine tone' }).getByRole('button', { name: 'Edit' }).click();
    await page.locator('input[name="audio-edit-name"]').fill('Sine tone 440');
    await page.locator('[data-test="save-audio"]').click();
    await rows.filter({ hasText: 'Sine tone 440' }).waitFor();
    const src = await rows.first().locator('audio').getAttribute('src');
    expect(src).toBeTruthy();
    const response = await page.request.get(new URL(src!, session.server.url).toString());
    expect(response.status()).toBe(200);
    await screenshot(page, 'audio-02-uploaded');
  });
});
