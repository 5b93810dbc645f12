import { resolve } from 'node:path';
import { build } from 'vite';

const libDir = resolve(import.meta.dirname, '../../apps/listener/src/lib');

/**
 * Bundles one module of the listener's `src/lib` (with its npm dependencies) into a script that
 * defines `globalName` when loaded in a page, so browser-only code runs in real Chromium.
 */
export async function bundleListenerModule(file: string, globalName: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'import.meta.env.BASE_URL': '"/"' },
    build: {
      write: false,
      minify: false,
      lib: {
        entry: resolve(libDir, file),
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
  throw new Error(`bundling ${file} produced no script`);
}
