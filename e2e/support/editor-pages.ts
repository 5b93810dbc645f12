import type { Locator, Page } from 'playwright-core';

/** The canvas node card with this name. */
export function canvasNode(page: Page, name: string): Locator {
  return page.locator('.vue-flow__node', { has: page.locator(`[data-node-name="${name}"]`) });
}

/** A door handle of a canvas node: `in:default`, `out:default`, `out:<door name>`. */
export function doorHandle(page: Page, nodeName: string, door: string): Locator {
  return canvasNode(page, nodeName).locator(`.vue-flow__handle[data-door="${door}"]`);
}

/** Answers the Element Plus prompt (add node, new exit, rename) with a value. */
export async function answerPrompt(page: Page, value: string): Promise<void> {
  const box = page.locator('.el-message-box');
  await box.locator('input').fill(value);
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}

/** Creates a graph through the list's dialog and waits for its canvas; returns its uuid. */
export async function createGraphInUi(page: Page, baseUrl: string, name: string): Promise<string> {
  await page.goto(`${baseUrl}/editor/graph`);
  await page.locator('[data-test="new-graph"]').click();
  await page.locator('input[name="graph-name"]').fill(name);
  await page.locator('[data-test="create-graph"]').click();
  await page.waitForURL(/\/editor\/graph\/[0-9a-f-]{36}$/);
  await canvasNode(page, 'Start').waitFor();
  return page.url().split('/').at(-1)!;
}

/** Double-clicks the empty canvas at page coordinates and names the new node. */
export async function addNodeAt(page: Page, x: number, y: number, name: string): Promise<void> {
  await page.mouse.dblclick(x, y);
  await answerPrompt(page, name);
  await canvasNode(page, name).waitFor();
}

/** Drags from one handle to another, as a user connects two doors. */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Opens the node drawer by double-clicking the node's card. */
export async function openNode(page: Page, name: string): Promise<Locator> {
  await canvasNode(page, name).dblclick();
  const drawer = page.locator('[data-test="node-drawer"]');
  await drawer.locator('[data-test="node-title"]', { hasText: name }).waitFor();
  return drawer;
}

/** Waits for an Element Plus message of this type containing the text (newest if several). */
export async function waitForMessage(
  page: Page,
  type: 'success' | 'warning' | 'error' | 'info',
  text: string,
  timeout = 15_000,
): Promise<void> {
  await page.locator(`.el-message--${type}`, { hasText: text }).last().waitFor({ timeout });
}

/**
 * Saving a door condition the first time starts the server's Python sandbox (Pyodide, ~4 s idle,
 * much longer while other test files load the machine), so these waits and tests get more time.
 */
export const firstSaveTimeout = 120_000;

/** The trimmed text of an element, for assertions. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}
