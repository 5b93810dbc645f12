#!/usr/bin/env node
// Fails when any TypeScript module in the workspace imports itself through others. Cycles tie files
// into one knot that can only be understood, tested and moved together, so `npm test` refuses them.
// Type-only imports count too: they bind the files' designs as tightly as value imports do.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
};

/** Every .ts file below `folder`, skipping dependencies and build output. */
export function typescriptFiles(folder) {
  const found = [];
  for (const name of readdirSync(folder)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...typescriptFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The files `file` imports that are among `known` (workspace packages resolve to their sources). */
function importsOf(file, known) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const { fileName: specifier } of importedFiles) {
    const resolved = ts.resolveModuleName(specifier, file, compilerOptions, ts.sys).resolvedModule;
    if (!resolved) continue;
    const target = realpathSync(resolved.resolvedFileName);
    if (known.has(target)) targets.add(target);
  }
  return [...targets];
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function findImportCycles(files) {
  const known = new Set(files.map((file) => realpathSync(file)));
  const edges = new Map([...known].map((file) => [file, importsOf(file, known)]));
  const index = new Map();
  const lowLink = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  let counter = 0;

  const visit = (file) => {
    index.set(file, counter);
    lowLink.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file)) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(file, Math.min(lowLink.get(file), lowLink.get(next)));
      } else if (onStack.has(next)) {
        lowLink.set(file, Math.min(lowLink.get(file), index.get(next)));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || edges.get(file).includes(file)) cycles.push(component.sort());
  };
  for (const file of known) if (!index.has(file)) visit(file);
  return cycles;
}

/** The folders whose sources are checked: every package, the backend, the apps' TypeScript. */
function workspaceSourceFolders() {
  const folders = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const src = join(root, group, name, 'src');
      if (statSync(join(root, group, name)).isDirectory() && safeIsDirectory(src))
        folders.push(src);
    }
  }
  return folders;
}

function safeIsDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folders = process.argv.length > 2 ? process.argv.slice(2) : workspaceSourceFolders();
  const files = folders.flatMap((folder) => typescriptFiles(folder));
  const cycles = findImportCycles(files);
  if (cycles.length === 0) {
    console.log(`import cycles: none in ${files.length} files`);
  } else {
    console.error(`import cycles: ${cycles.length} (break each by moving the shared part down)`);
    for (const cycle of cycles) {
      console.error(`- ${cycle.length} files: ${cycle.map((f) => relative(root, f)).join(', ')}`);
    }
    process.exit(1);
  }
}
