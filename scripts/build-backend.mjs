// Compiles the backend CLI (apps/backend/src/cli.ts and every workspace package it imports) to one
// plain-JavaScript ES module, so `npm start` runs without a TypeScript loader in the process
// (tsx costs ~85 MB of RSS and transpiles at run time). npm dependencies stay external and load
// from node_modules as they would under tsx.
import { build, stop, transform } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const backendBundle = join(root, 'apps', 'backend', 'dist', 'gencaster.mjs');

/**
 * Modules find files next to their sources (the SuperCollider class, the sandbox's worker entries,
 * schema.graphql) through `import.meta.url`. In one bundle that would be the bundle's own URL, so
 * each module keeps its source file's URL instead.
 */
const keepSourceLocation = {
  name: 'keep-source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };
      // esbuild's own define rewrites the expressions (never text inside strings).
      const { code } = await transform(source, {
        loader: 'ts',
        sourcefile: args.path,
        sourcemap: 'inline',
        define: {
          'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
          'import.meta.dirname': JSON.stringify(dirname(args.path)),
          'import.meta.filename': JSON.stringify(args.path),
        },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

/** Workspace packages (`@gencaster/*`, relative imports) are compiled in; npm packages are not. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@gencaster/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * Builds the bundle; resolves with its path. esbuild's service child is stopped afterwards: the
 * bootstrap that calls this stays alive as the running backend's parent, and would keep it.
 */
export async function buildBackend() {
  mkdirSync(dirname(backendBundle), { recursive: true });
  try {
    await compile();
  } finally {
    await stop();
  }
  return backendBundle;
}

async function compile() {
  await build({
    entryPoints: [join(root, 'apps', 'backend', 'src', 'cli.ts')],
    outfile: backendBundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepSourceLocation, externalNpmPackages],
    // Bundled CommonJS may call require(); give the ESM output one.
    banner: {
      js: "import { createRequire as __gcRequire } from 'node:module'; const require = __gcRequire(import.meta.url);",
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const path = await buildBackend();
  console.log(`[build] backend compiled to ${path} in ${Date.now() - started} ms`);
}
