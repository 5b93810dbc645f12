// Inline errors at the right line: invalid Python and JavaScript cells (parser check while
// typing), an unknown markdown token, and an invalid door condition (server validation on save).
import { beforeAll, describe, expect, it } from 'vitest';
import { getGraphDetail } from '@gencaster/db';
import { hasChromium, screenshot, typeInCodeMirror } from './support/editor-browser.ts';
import {
  answerPrompt,
  createGraphInUi,
  firstSaveTimeout,
  openNode,
  textOf,
  waitForMessage,
} from './support/editor-pages.ts';
import { useEditorSession } from './support/editor-session.ts';

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(!hasChromium)('editor: validation errors inline', { retry: 1 }, () => {
  const session = useEditorSession();
  let graphUuid = '';

  beforeAll(async () => {
    graphUuid = await createGraphInUi(session.browser.page, session.server.url, 'Validation Story');
  }, 240_000);

  it('marks the line of a Python, a JavaScript and a markdown token error', async () => {
    const { page } = session.browser;
    const drawer = await openNode(page, 'Start');
    for (const type of ['python', 'javascript', 'markdown']) {
      await drawer.locator(`[data-test="add-${type}"]`).click();
      await drawer.locator(`[data-cell-type="${type.toUpperCase()}"]`).waitFor();
    }
    await typeInCodeMirror(
      page,
      drawer.locator('[data-cell-type="PYTHON"]'),
      'x = 1\nif x == :\n    pass',
    );
    await typeInCodeMirror(
      page,
      drawer.locator('[data-cell-type="JAVASCRIPT"]'),
      'const a = 1;\nconst b = ;\nvars.b = b;',
    );
    await typeInCodeMirror(
      page,
      drawer.locator('[data-cell-type="MARKDOWN"]'),
      'Hello there.\n\nSay {bogus}`this`.',
    );
    await expect
      .poll(() => textOf(drawer.locator('[data-cell-type="PYTHON"] [data-test="code-error"]')))
      .toMatch(/^Line 2,/);
    await expect
      .poll(() => textOf(drawer.locator('[data-cell-type="JAVASCRIPT"] [data-test="code-error"]')))
      .toMatch(/^Line 2,/);
    await expect
      .poll(() => textOf(drawer.locator('[data-cell-type="MARKDOWN"] [data-test="code-error"]')))
      .toMatch(/^Line 3, column 5: unknown token \{bogus\}/);
    // The error is also marked in the editor itself (lint gutter on that line).
    expect(
      await drawer.locator('[data-cell-type="PYTHON"] .cm-lint-marker-error').count(),
    ).toBeGreaterThan(0);
    await screenshot(page, 'validation-01-cells');
  });

  it('shows the server error of an invalid door condition at its line and does not store it', async () => {
    const { page } = session.browser;
    const drawer = page.locator('[data-test="node-drawer"]');
    await drawer.locator('[data-test="add-door"]').click();
    await answerPrompt(page, 'maybe');
    const door = drawer.locator('[data-test="door"][data-door-name="maybe"]');
    await door.waitFor();
    await typeInCodeMirror(page, door, '(vars.get("a") == "1"\n  or )');
    await drawer.locator('[data-test="save-node"]').click();
    await waitForMessage(page, 'error', 'Not saved', firstSaveTimeout);
    await expect
      .poll(() => textOf(door.locator('[data-test="code-error"]')))
      .toMatch(/^Line 2, column \d+:/);
    await screenshot(page, 'validation-02-door');
    const start = (await getGraphDetail(session.server.database, graphUuid)).nodes.find(
      (n) => n.isEntryNode,
    )!;
    expect(start.nodeDoors.find((d) => d.name === 'maybe')?.code).toBe('');
  }, 150_000);
});
