import { join, relative, resolve } from 'node:path';
import { runInNetns } from './netns.ts';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * Runs one test file again with Vitest inside a fresh network namespace (see `runInNetns`) and
 * throws with the inner output when it fails. A WebRTC test file calls this from the host side and
 * runs its real tests only when `insideTestNetns()` is true. The inner run skips the global database
 * setup (the file must not need `inject('postgresUrl')`); its output is printed with a `[netns]`
 * prefix in full on failure, its summary on success.
 */
export async function runTestFileInNetns(file: string, timeoutMs: number): Promise<void> {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const result = await runInNetns(
    process.execPath,
    [vitest, 'run', relative(root, file), '--reporter=default', '--no-color'],
    {
      cwd: root,
      env: { ...process.env, GENCASTER_TEST_ENGINES: 'none', CI: '1' },
      timeoutMs,
    },
  );
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim());
  const summary = lines.filter((line) => /^\s*(✓|×|↓|Test Files|Tests|Duration)/.test(line));
  const ok = result.code === 0 && !result.timedOut;
  console.log((ok ? summary : lines).map((line) => `[netns] ${line}`).join('\n'));
  if (!ok) {
    throw new Error(
      `the test file failed inside the network namespace (code ${result.code}, signal ${result.signal}${result.timedOut ? ', timed out' : ''})`,
    );
  }
  // A file whose tests were all skipped inside would pass vacuously: require at least one pass.
  if (!/Tests\s+\d+ passed/.test(result.stdout)) {
    throw new Error(`no test passed inside the network namespace:\n${result.stdout.slice(-2000)}`);
  }
}
