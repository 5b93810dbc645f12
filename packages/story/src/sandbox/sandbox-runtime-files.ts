// The files the sandbox host process runs from: its entry and the two worker entries bundled to
// plain JavaScript (the box has no TypeScript loader and may start no esbuild service), next to
// copies of the WASM runtimes they load. Built once per content hash into a directory the
// sandbox user can read but nobody else can change, then bound read-only into the box.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Packages the bundles leave external because they load files next to themselves. */
const copiedPackages = [
  'pyodide',
  '@jitl/quickjs-wasmfile-release-sync',
  '@jitl/quickjs-ffi-types',
];

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function contentHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(here).sort()) {
    if (file.endsWith('.ts') && !file.endsWith('.test.ts'))
      hash.update(file).update(readFileSync(join(here, file)));
  }
  for (const name of copiedPackages)
    hash.update(readFileSync(join(packageDir(name), 'package.json')));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/** Makes every directory 0755 and every file 0644: readable by the sandbox user, writable only by us. */
function openForReading(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) openForReading(full);
    else if (entry.isFile()) chmodSync(full, 0o644);
  }
}

function trusted(path: string): boolean {
  const info = statSync(path);
  const uid = process.getuid?.() ?? info.uid;
  return info.isDirectory() && info.uid === uid && (info.mode & 0o022) === 0;
}

/**
 * Returns the runtime directory (`host.mjs`, `quickjs-worker.mjs`, `pyodide-worker.mjs`,
 * `node_modules/…`), building it when missing. A directory that is not ours or is writable by
 * others is rebuilt, never used.
 */
export async function sandboxRuntimeDir(root = tmpdir()): Promise<string> {
  const target = join(root, `gencaster-sandbox-${process.getuid?.() ?? 0}-${contentHash()}`);
  if (existsSync(target) && existsSync(join(target, 'host.mjs')) && trusted(target)) return target;
  rmSync(target, { recursive: true, force: true });
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o755 });
  const { build } = await import('esbuild');
  await build({
    entryPoints: {
      host: join(here, 'sandbox-host.ts'),
      'quickjs-worker': join(here, 'quickjs-worker.ts'),
      'pyodide-worker': join(here, 'pyodide-worker.ts'),
    },
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: copiedPackages,
    logLevel: 'silent',
    // Bundled CommonJS may call require(); give the ESM output one.
    banner: {
      js: "import { createRequire as __gcRequire } from 'node:module'; const require = __gcRequire(import.meta.url);",
    },
  });
  for (const name of copiedPackages) {
    await cp(packageDir(name), join(staging, 'node_modules', name), {
      recursive: true,
      filter: (source) => !source.endsWith('.map') && !source.endsWith('.html'),
    });
  }
  openForReading(staging);
  try {
    renameSync(staging, target);
  } catch {
    // Another process of ours built the same content at the same time: use theirs, if trusted.
    rmSync(staging, { recursive: true, force: true });
  }
  if (!trusted(target))
    throw new Error(
      `${target} belongs to another user or is writable by others; remove it and start again`,
    );
  return target;
}
