import { ensureEditorBuilt } from './editor-build.ts';
import { logIn, openEditorBrowser, type EditorBrowser } from './editor-browser.ts';
import { startListenerBackend, type ListenerBackend } from './listener-backend.ts';

/** The real backend with a real sound fleet, plus Chromium logged into its editor. */
export interface EditorSoundStack {
  server: ListenerBackend;
  browser: EditorBrowser;
  close(): Promise<void>;
}

/**
 * Builds the editor if needed, starts the backend with `soundPoints` real stream points (waits
 * until they beacon with a Janus mountpoint) and logs the browser into the editor as the harness's
 * editor account. `close()` stops everything, also after a failed start.
 */
export async function startEditorSoundStack(soundPoints: number): Promise<EditorSoundStack> {
  await ensureEditorBuilt();
  const server = await startListenerBackend({ soundPoints });
  let browser: EditorBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
  };
  try {
    await server.waitForPoints(soundPoints, 120_000);
    browser = await openEditorBrowser();
    await logIn(browser.page, server.url, 'listener-e2e', 'listener-e2e-password');
    return { server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Places the nodes of a graph made through the API (they all start at the same spot). */
export async function layOutNodes(
  server: Pick<ListenerBackend, 'editor'>,
  graphUuid: string,
  positions: Record<string, [number, number]>,
): Promise<void> {
  const { graph } = await server.editor<{ graph: { nodes: { uuid: string; name: string }[] } }>(
    'query ($pk: ID!) { graph(pk: $pk) { nodes { uuid name } } }',
    { pk: graphUuid },
  );
  for (const node of graph.nodes) {
    const at = positions[node.name];
    if (!at) continue;
    await server.editor('mutation ($n: NodeUpdate!) { updateNode(nodeUpdate: $n) }', {
      n: { uuid: node.uuid, positionX: at[0], positionY: at[1] },
    });
  }
}
