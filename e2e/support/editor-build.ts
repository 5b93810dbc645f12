import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const editorDir = join(root, 'apps', 'editor');

/** The built editor the backend serves at /editor/. */
export const editorDist = join(editorDir, 'dist');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(path));
    else newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the editor when dist is missing or older than its sources, so the browser tests always
 * run the current code. Codegen + Vite take about 20 s on this machine.
 */
export async function ensureEditorBuilt(): Promise<void> {
  const index = join(editorDist, 'index.html');
  if (existsSync(index)) {
    const built = (await stat(index)).mtimeMs;
    const sources = Math.max(
      await newestMtime(join(editorDir, 'src')),
      await newestMtime(join(root, 'packages', 'web')),
      (await stat(join(root, 'schema.graphql'))).mtimeMs,
    );
    if (built > sources) return;
  }
  await run('npm', ['run', 'build', '-w', '@gencaster/editor'], {
    cwd: root,
    timeout: 170_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}
