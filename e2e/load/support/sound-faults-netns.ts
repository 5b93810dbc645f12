import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { netnsUnavailableReason, runInNetns } from '../../support/netns.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const privateShm = 'mount -t tmpfs -o size=1g,mode=1777 tmpfs /dev/shm';

/**
 * Why the fault tests cannot get their namespaces here (no network namespace with a veth pair, or
 * no private mount namespace with its own /dev/shm), or undefined when they can.
 */
export function faultNamespacesUnavailableReason(): string | undefined {
  const netns = netnsUnavailableReason();
  if (netns) return netns;
  const trial = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', `${privateShm} && test -w /dev/shm`],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return trial.status === 0
    ? undefined
    : `a private /dev/shm (unshare --mount) failed: ${(trial.stderr || trial.error?.message || '').trim()}`;
}

/**
 * Runs one test file again with Vitest inside a private network namespace (lo + a veth pair, see
 * `runInNetns`) AND a private mount namespace with its own tmpfs on /dev/shm. The fault tests kill
 * jackd with SIGKILL: a private /dev/shm keeps those JACK servers out of the machine's shared JACK
 * registry (8 servers at most), as on a real sound host. Throws with the inner output on failure;
 * on success prints the inner summary lines and the lines the inner tests tagged with `tag`, and
 * requires at least `minPassed` passed tests.
 */
export async function runFaultFileInNamespaces(
  file: string,
  options: { tag: string; timeoutMs: number; minPassed: number },
): Promise<void> {
  const { tag, timeoutMs } = options;
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const result = await runInNetns(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `${privateShm} && exec "$0" "$@"`,
      process.execPath,
      vitest,
      'run',
      relative(root, file),
      '--reporter=default',
      '--no-color',
    ],
    {
      cwd: root,
      // No global database setup inside: the tests start their own PostgreSQL.
      env: { ...process.env, GENCASTER_TEST_ENGINES: 'none', CI: '1' },
      timeoutMs,
    },
  );
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim());
  const ok = result.code === 0 && !result.timedOut;
  const shown = ok
    ? lines.filter(
        (line) => line.includes(tag) || /^\s*(✓|×|↓|Test Files|Tests|Duration)/.test(line),
      )
    : lines;
  console.log(shown.map((line) => `[netns] ${line}`).join('\n'));
  if (!ok) {
    throw new Error(
      `the fault tests failed inside the namespaces (code ${result.code}, signal ${result.signal}${result.timedOut ? ', timed out' : ''})`,
    );
  }
  // A file whose tests were skipped inside would pass vacuously: require every fault test to pass.
  const passed = Number(/Tests\s+(\d+) passed/.exec(result.stdout)?.[1] ?? 0);
  if (passed < options.minPassed) {
    throw new Error(
      `not every fault test ran inside the namespaces:\n${result.stdout.slice(-3000)}`,
    );
  }
}
