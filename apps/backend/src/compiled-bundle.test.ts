// The compiled backend that `npm start` runs: building it leaves no esbuild service child behind
// in the builder (the bootstrap stays alive as the backend's parent), and the bundle runs.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

it('builds the bundle, then the builder has no child process left, and the bundle answers --help', () => {
  const probe = `
    const { buildBackend } = await import(${JSON.stringify(resolve(root, 'scripts/build-backend.mjs'))});
    const bundle = await buildBackend();
    await new Promise((done) => setTimeout(done, 1000));
    const { readdirSync, readFileSync } = await import('node:fs');
    const children = readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry)).flatMap((pid) => {
      try {
        const stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === process.pid && fields[0] !== 'Z' ? [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))] : [];
      } catch { return []; }
    });
    console.log(JSON.stringify({ bundle, children }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: root,
    encoding: 'utf8',
  });
  const { bundle, children } = JSON.parse(out.trim().split('\n').at(-1)!) as {
    bundle: string;
    children: string[];
  };
  expect(children).toEqual([]);
  const help = execFileSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
  expect(help).toMatch(/start/);
}, 120_000);
