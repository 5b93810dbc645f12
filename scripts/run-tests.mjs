#!/usr/bin/env node
// The whole suite in the order CI wants it: cheap static checks first, then every test.
// Prints a closing "N passed, N failed, N skipped" line that CI can read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const started = Date.now();

function stage(name, command, args) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n[test +${seconds}s] ${name}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

const failures = [];
if (stage('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']) !== 0) {
  failures.push('format (fix with: npm run format)');
}
if (
  stage('lint', bin('eslint'), [
    '--cache',
    '--cache-location',
    'node_modules/.cache/eslint',
    '.',
  ]) !== 0
) {
  failures.push('lint');
}
if (stage('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0)
  failures.push('typecheck');
if (stage('import cycles', process.execPath, [join(root, 'scripts', 'import-cycles.mjs')]) !== 0) {
  failures.push('import cycles');
}
for (const app of ['listener', 'editor']) {
  const args = ['run', 'typecheck', '--workspace', `@gencaster/${app}`];
  if (stage(`typecheck ${app}`, 'npm', args) !== 0) failures.push(`typecheck ${app}`);
}

const report = join(mkdtempSync(join(tmpdir(), 'gencaster-vitest-')), 'report.json');
const vitestArgs = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const vitestStatus = stage('tests', bin('vitest'), vitestArgs);
if (vitestStatus !== 0) failures.push('tests');

let summary = 'no test report was written';
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  summary = `${json.numPassedTests} passed, ${json.numFailedTests} failed, ${skipped} skipped`;
}
console.log(
  `\nstatic checks: ${failures.filter((f) => f !== 'tests').length === 0 ? 'ok' : 'FAILED'}`,
);
if (failures.length) console.log(`failed stages: ${failures.join(', ')}`);
console.log(summary);
process.exit(failures.length === 0 ? 0 : 1);
