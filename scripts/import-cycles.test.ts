import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findImportCycles, typescriptFiles } from './import-cycles.mjs';

const script = join(import.meta.dirname, 'import-cycles.mjs');
const folders: string[] = [];

function sources(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the import-cycle check of npm test', () => {
  it('accepts imports that only point one way', () => {
    const folder = sources({
      'a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
      'c.ts': 'export const c = 1;\n',
    });
    expect(findImportCycles(typescriptFiles(folder))).toEqual([]);
    const run = spawnSync(process.execPath, [script, folder], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('import cycles: none in 3 files');
  });

  it('fails the run on a cycle through three files and names each of them', () => {
    const folder = sources({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "export { c as b } from './c.ts';\n",
      'c.ts': "import { a } from './a.ts';\nexport const c = () => a;\n",
      'd.ts': "import { a } from './a.ts';\nexport const d = a;\n",
    });
    const cycles = findImportCycles(typescriptFiles(folder));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.map((file) => file.split('/').pop())).toEqual(['a.ts', 'b.ts', 'c.ts']);
    const run = spawnSync(process.execPath, [script, folder], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('import cycles: 1');
    expect(run.stderr).toMatch(/3 files: .*a\.ts, .*b\.ts, .*c\.ts/);
  });

  it('counts a cycle made only of type imports', () => {
    const folder = sources({
      'port.ts': "import type { Impl } from './impl.ts';\nexport interface Port { impl: Impl }\n",
      'impl.ts': "import type { Port } from './port.ts';\nexport interface Impl { port: Port }\n",
    });
    expect(findImportCycles(typescriptFiles(folder))).toHaveLength(1);
  });
});
