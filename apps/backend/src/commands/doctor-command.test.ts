// `gencaster doctor` on this machine: real dpkg-query, real ports, real programs, a real PGlite
// data dir and unreachable PostgreSQL/Redis URLs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { DoctorCheck } from './doctor-check.ts';
import { runDoctor } from './doctor-command.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'gencaster-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(checks: DoctorCheck[], name: string): DoctorCheck {
  const found = checks.find((c) => c.name === name) ?? checks.find((c) => c.name.startsWith(name));
  if (!found) throw new Error(`no check ${name} in ${checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** Asserts the status of a check and that its advice/detail contains a text. */
function expectCheck(
  checks: DoctorCheck[],
  name: string,
  status: DoctorCheck['status'],
  contains: { advice?: string; detail?: string },
): void {
  const found = check(checks, name);
  expect(found.status, found.detail).toBe(status);
  if (contains.advice) expect(found.advice).toContain(contains.advice);
  if (contains.detail) expect(found.detail).toContain(contains.detail);
}

describe('gencaster doctor', () => {
  it('fails with advice: unreachable DATABASE_URL and REDIS_URL, missing package, busy port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', () => done()));
    const port = (busy.address() as { port: number }).port;
    const packagesFile = join(dir, 'packages.txt');
    writeFileSync(packagesFile, '# comment\ncoreutils\ngencaster-no-such-package\n');
    try {
      const config = loadConfig({
        GENCASTER_DATA_DIR: join(dir, 'a'),
        GENCASTER_PORT: String(port),
        GENCASTER_OSC_PORT: '0',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      const checks = await runDoctor(config, { packagesFile });
      expectCheck(checks, 'database', 'fail', { advice: 'DATABASE_URL' });
      expect(check(checks, 'database').detail).toContain('ECONNREFUSED');
      expectCheck(checks, 'redis', 'fail', { advice: 'REDIS_URL' });
      expect(check(checks, 'debian packages')).toMatchObject({
        status: 'fail',
        detail: 'missing: gencaster-no-such-package',
        advice:
          'apt-get update && apt-get install -y --no-install-recommends gencaster-no-such-package',
      });
      expectCheck(checks, 'HTTP port', 'fail', { advice: 'GENCASTER_PORT=' });
      expect(check(checks, 'OSC port').status).toBe('skip');
      expect(check(checks, 'janus server').status).toBe('skip');
    } finally {
      busy.close();
    }
  }, 60_000);

  it('passes on the test PostgreSQL server; sound programs run or are reported with their package', async () => {
    const url = inject('postgresUrl');
    if (!url) console.warn('[doctor] no PostgreSQL from the global setup: database check not run');
    const checks = await runDoctor(
      loadConfig({
        GENCASTER_DATA_DIR: join(dir, 'b'),
        GENCASTER_PORT: '0',
        GENCASTER_OSC_PORT: '0',
        ...(url ? { DATABASE_URL: url } : {}),
      }),
    );
    if (url) expectCheck(checks, 'database', 'ok', { detail: 'answers' });
    else expectCheck(checks, 'database', 'ok', { detail: 'will be created' });
    expect(check(checks, 'redis').status).toBe('skip');
    for (const program of ['jackd', 'sclang', 'scsynth', 'gst-launch-1.0', 'janus']) {
      const result = check(checks, program);
      if (result.status === 'fail')
        expect(result.advice).toMatch(/apt-get install -y --no-install-recommends \S+/);
      else expectCheck(checks, program, 'ok', { detail: '.' });
    }
  }, 60_000);

  it('the CLI exits non-zero and prints the advice', async () => {
    const env = {
      ...process.env,
      GENCASTER_DATA_DIR: join(dir, 'c'),
      GENCASTER_PORT: '0',
      GENCASTER_OSC_PORT: '0',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    };
    const result = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = execFile(
        'npx',
        ['tsx', 'apps/backend/src/cli.ts', 'doctor'],
        { cwd: repoRoot, env, timeout: 90_000 },
        (error, stdout) =>
          done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout }),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL\s+database\s+postgres:\/\/nobody@127\.0\.0\.1:1\/none: .*ECONNREFUSED/,
    );
    expect(result.stdout).toContain('→ start PostgreSQL');
    expect(result.stdout).toMatch(/check\(s\) failed/);
  }, 120_000);
});
