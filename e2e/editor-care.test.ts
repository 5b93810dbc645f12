// Editor care in a real Chromium against the real backend: unsaved cell and meta edits survive a
// tab switch (the tab shows a dot) and are never dropped by leaving the graph or the page without
// a question; extra entrances (INPUT doors) are added and renamed in the node drawer and land in
// the database; the help panel and the completions offer the sandbox's real names.
import { describe, expect, it } from 'vitest';
import { hasChromium, screenshot, typeInCodeMirror } from './support/editor-browser.ts';
import {
  answerPrompt,
  createGraphInUi,
  doorHandle,
  firstSaveTimeout,
  openNode,
  textOf,
  waitForMessage,
} from './support/editor-pages.ts';
import { useEditorSession } from './support/editor-session.ts';

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(!hasChromium)(
  'editor: unsaved edits, entrances, help',
  { retry: 1, timeout: 240_000 },
  () => {
    const session = useEditorSession();
    let graphUuid = '';
    const db = () => session.server.database.db;
    const unsavedBox = () =>
      session.browser.page.locator('.el-message-box', { hasText: 'unsaved' });

    it('keeps an unsaved cell edit across the Meta tab and asks before leaving the graph', async () => {
      const { page } = session.browser;
      graphUuid = await createGraphInUi(page, session.server.url, 'Careful Story');
      const drawer = await openNode(page, 'Start');
      await drawer.locator('[data-test="add-javascript"]').click();
      const cell = drawer.locator('[data-cell-type="JAVASCRIPT"]');
      await cell.waitFor();
      await typeInCodeMirror(page, cell, "log('kept');");
      await cell.locator('.el-tag', { hasText: 'unsaved' }).waitFor();

      await page.locator('[data-test="meta-tab"]').click();
      await page.locator('input[name="meta-display-name"]').waitFor();
      expect(await textOf(page.locator('[data-test="build-tab"]'))).toContain('•');
      await page.locator('[data-test="build-tab"]').click();
      expect(await textOf(cell.locator('.cm-content'))).toContain("log('kept');");

      // Leaving the graph asks; closing the question stays, with the edit.
      await page.getByRole('button', { name: '← Graphs' }).click();
      await unsavedBox().waitFor();
      await unsavedBox().locator('.el-message-box__headerbtn').click();
      await unsavedBox().waitFor({ state: 'hidden' });
      expect(page.url()).toContain(graphUuid);
      expect(await textOf(cell.locator('.cm-content'))).toContain("log('kept');");

      // Reloading the page asks the browser's own question first.
      const asked = new Promise<string>((resolve) =>
        page.once('dialog', (dialog) => {
          resolve(dialog.type());
          void dialog.dismiss();
        }),
      );
      await page.reload({ timeout: 5_000 }).catch(() => undefined);
      expect(await asked).toBe('beforeunload');
      expect(await textOf(cell.locator('.cm-content'))).toContain("log('kept');");

      // "Save" in the question saves, then the navigation goes on.
      await page.getByRole('button', { name: '← Graphs' }).click();
      await unsavedBox().getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/editor\/graph$/, { timeout: firstSaveTimeout });
      const saved = await db()
        .selectFrom('scriptCell as c')
        .innerJoin('node as n', 'n.uuid', 'c.nodeUuid')
        .select('c.cellCode')
        .where('n.graphUuid', '=', graphUuid)
        .where('c.cellType', '=', 'javascript')
        .execute();
      expect(saved.map((row) => row.cellCode)).toEqual(["log('kept');"]);
    });

    it('asks before dropping unsaved meta edits; Discard drops them', async () => {
      const { page } = session.browser;
      await page.goto(`${session.server.url}/editor/graph/${graphUuid}`);
      await page.locator('[data-test="meta-tab"]').click();
      await page.locator('input[name="meta-display-name"]').fill('Renamed but not saved');
      await page.locator('[data-test="build-tab"]').click();
      expect(await textOf(page.locator('[data-test="meta-tab"]'))).toContain('•');
      await page.locator('header a', { hasText: 'Audio library' }).click();
      await unsavedBox().waitFor();
      expect(await textOf(unsavedBox())).toContain('settings');
      await unsavedBox().getByRole('button', { name: 'Discard' }).click();
      await page.waitForURL(/\/editor\/audio$/);
      const graph = await db()
        .selectFrom('graph')
        .select('displayName')
        .where('uuid', '=', graphUuid)
        .executeTakeFirstOrThrow();
      expect(graph.displayName).toBe('Careful Story');
    });

    it('adds and renames an extra entrance in the node drawer', async () => {
      const { page } = session.browser;
      await page.goto(`${session.server.url}/editor/graph/${graphUuid}`);
      const drawer = await openNode(page, 'Start');
      await drawer.locator('[data-test="add-entrance"]').click();
      await answerPrompt(page, 'side door');
      await doorHandle(page, 'Start', 'in:side door').waitFor();
      const entrance = drawer.locator('[data-test="entrances"] [data-door-name="side door"]');
      await entrance
        .locator('input[data-test="door-name"], [data-test="door-name"] input')
        .first()
        .fill('back door');
      await drawer.locator('[data-test="save-node"]').click();
      await waitForMessage(page, 'success', 'Node saved', firstSaveTimeout);
      await doorHandle(page, 'Start', 'in:back door').waitFor();
      const doors = await db()
        .selectFrom('nodeDoor as d')
        .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
        .select(['d.name', 'd.doorType', 'd.isDefault'])
        .where('n.graphUuid', '=', graphUuid)
        .where('d.doorType', '=', 'input')
        .orderBy('d.name')
        .execute();
      expect(doors).toEqual([
        { name: 'back door', doorType: 'input', isDefault: false },
        { name: 'default', doorType: 'input', isDefault: true },
      ]);
      await screenshot(page, 'care-01-entrances');
    });

    it('shows the real script API in the help panel and the completions', async () => {
      const { page } = session.browser;
      const drawer = page.locator('[data-test="node-drawer"]');
      const cell = drawer.locator('[data-cell-type="JAVASCRIPT"]');
      await cell.locator('[data-test="cell-help-toggle"]').click();
      const help = cell.locator('[data-test="cell-help"]');
      await help.waitFor();
      expect(await help.locator('[data-help-name="waitForVariable"]').count()).toBe(1);
      expect(await textOf(help)).toContain('(name, timeoutSeconds = 100)');
      expect(await textOf(help)).not.toContain('showDialog');
      await screenshot(page, 'care-02-help');

      await typeInCodeMirror(page, cell, 'waitFor');
      const tooltip = page.locator('.cm-tooltip-autocomplete');
      await tooltip.waitFor();
      expect(await textOf(tooltip)).toContain('waitForVariable');
      await typeInCodeMirror(page, cell, 'Button.');
      await page.keyboard.press('Control+Space');
      await expect.poll(() => textOf(tooltip)).toContain('cancel');
      expect(await textOf(tooltip)).toContain('ok');
      await typeInCodeMirror(page, cell, 'show');
      await page.keyboard.press('Control+Space');
      await expect.poll(() => tooltip.count()).toBe(0);

      // Markdown cells complete the dialect's tokens after a brace.
      await drawer.locator('[data-test="add-markdown"]').click();
      const markdown = drawer.locator('[data-cell-type="MARKDOWN"]');
      await markdown.waitFor();
      await typeInCodeMirror(page, markdown, 'Wait {bre');
      await expect.poll(() => textOf(tooltip)).toContain('{break}');
      await tooltip.locator('li', { hasText: '{break}' }).click();
      await page.keyboard.insertText('300ms');
      await expect.poll(() => textOf(markdown.locator('.cm-content'))).toBe('Wait {break}`300ms`');
      await drawer.getByRole('button', { name: 'Discard' }).click();
    });
  },
);
