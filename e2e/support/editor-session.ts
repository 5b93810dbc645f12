import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureEditorBuilt } from './editor-build.ts';
import { logIn, openEditorBrowser, screenshot, type EditorBrowser } from './editor-browser.ts';
import { startEditorTestServer, type EditorTestServer } from './editor-server.ts';

/** Options of {@link useEditorSession}. */
export interface EditorSessionOptions {
  /** Runs after the server started, before the browser opens (seed the database here). */
  prepare?: (server: EditorTestServer) => Promise<void>;
  /** Log the browser in as the server's editor (default true). */
  logIn?: boolean;
}

/**
 * Registers the hooks every editor browser suite needs: build the editor once, start a backend
 * with an editor account, open Chromium (logged in), save a screenshot of each failed test, and
 * close both at the end. Read `server` and `browser` inside tests.
 */
export function useEditorSession(options: EditorSessionOptions = {}) {
  let server: EditorTestServer | undefined;
  let browser: EditorBrowser | undefined;

  beforeAll(async () => {
    await ensureEditorBuilt();
    server = await startEditorTestServer();
    await options.prepare?.(server);
    browser = await openEditorBrowser();
    if (options.logIn !== false)
      await logIn(browser.page, server.url, server.username, server.password);
  }, 240_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && browser) {
      await screenshot(
        browser.page,
        `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`,
      );
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get server(): EditorTestServer {
      if (!server) throw new Error('the editor test server has not started');
      return server;
    },
    get browser(): EditorBrowser {
      if (!browser) throw new Error('the editor browser has not opened');
      return browser;
    },
  };
}
