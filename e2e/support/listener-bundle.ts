import { resolve } from 'node:path';
import { build } from 'vite';

const libDir = resolve(import.meta.dirname, '../../apps/listener/src/lib');
const webDir = resolve(import.meta.dirname, '../../packages/web/src');

/**
 * Bundles one module of the listener's `src/lib` (with its npm dependencies) into a script that
 * defines `globalName` when loaded in a page, so browser-only code runs in real Chromium.
 */
export function bundleListenerModule(file: string, globalName: string): Promise<string> {
  return bundleModule(resolve(libDir, file), globalName);
}

/** Bundles one module of the web toolkit (`packages/web/src`) the same way. */
export function bundleWebModule(file: string, globalName: string): Promise<string> {
  return bundleModule(resolve(webDir, file), globalName);
}

async function bundleModule(entry: string, globalName: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'import.meta.env.BASE_URL': '"/"' },
    build: {
      write: false,
      minify: false,
      lib: {
        entry,
        formats: ['iife'],
        name: globalName,
        fileName: () => 'bundle.js',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if ('output' in output) {
      const chunk = output.output.find((item) => item.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error(`bundling ${entry} produced no script`);
}
