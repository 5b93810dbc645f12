#!/usr/bin/env node
// `npm run build`: the two web apps (vite) and the compiled backend that `npm start` runs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBackend } from './build-backend.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const app of ['listener', 'editor']) {
  console.log(`[build] web app ${app} (vite)`);
  const result = spawnSync('npm', ['run', 'build', '--workspace', `@gencaster/${app}`], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`[build] error: the ${app} web app did not build; read the vite error above`);
    process.exit(result.status ?? 1);
  }
}
const started = Date.now();
const bundle = await buildBackend();
console.log(`[build] backend compiled to ${bundle} in ${Date.now() - started} ms`);
console.log(
  '[build] done: run it with `node --enable-source-maps apps/backend/dist/gencaster.mjs start`',
);
