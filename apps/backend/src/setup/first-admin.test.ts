// A first admin without a second terminal, over HTTP on a real `gencaster start`: the printed
// one-time link's token creates the admin once; wrong tokens, a used token, non-JSON bodies and a
// second admin are refused with typed errors; GENCASTER_ADMIN_USER/_PASSWORD do it unattended.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  login,
  runCli,
  startBackendProcess,
  whoAmI,
  type BackendProcess,
  type BackendTarget,
} from '../testing/backend-process.ts';
import { SETUP_TOKEN_FILE } from './first-admin.ts';

async function post(url: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(`${url}/setup/first-admin`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; message: string } } & Record<
      string,
      unknown
    >,
  };
}

async function isOpen(url: string): Promise<boolean> {
  const response = await fetch(`${url}/setup/first-admin`);
  return ((await response.json()) as { open: boolean }).open;
}

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describe('first-admin setup link', { retry: 1 }, () => {
  let dir: string;
  let target: BackendTarget;
  let backend: BackendProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gencaster-setup-'));
    target = { dataDir: join(dir, 'data') };
  });
  afterAll(async () => {
    await backend?.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'prints a one-time link whose token creates the first admin once',
    { timeout: 300_000 },
    async () => {
      await backend?.kill9();
      backend = await startBackendProcess(target);
      const link = /(http:\/\/\S+\/editor\/setup\?token=([\w-]+))/.exec(backend.output());
      expect(link, backend.output()).not.toBeNull();
      const token = link?.[2] ?? '';
      expect(token.length).toBeGreaterThanOrEqual(40);
      // stored owner-only in the data dir
      const file = join(target.dataDir, SETUP_TOKEN_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(token);
      // the link opens the editor's single-page app
      expect((await fetch(link?.[1] ?? '')).status).toBe(200);
      expect(await isOpen(backend.url)).toBe(true);

      const url = backend.url;
      const account = { username: 'first', password: 'first admin password' };
      // attacks: a wrong token (same length and one character off), no token, a form post
      const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expect(await post(url, { ...account, token: wrong })).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
      expect(await post(url, { ...account, token: '' })).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
      expect(
        await post(
          url,
          `token=${token}&username=x&password=yyyyyyyyy`,
          'application/x-www-form-urlencoded',
        ),
      ).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
      expect(await post(url, 'x'.repeat(10_000))).toMatchObject({ status: 400 });
      // a bad password is refused and leaves setup open
      expect(await post(url, { token, username: 'first', password: 'short' })).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
      expect(await isOpen(url)).toBe(true);
      expect(await login(url, 'first', 'short')).toBeUndefined();

      // the real use
      expect(await post(url, { ...account, token })).toMatchObject({
        status: 201,
        body: { username: 'first', role: 'admin' },
      });
      const cookie = await login(url, account.username, account.password);
      expect(cookie).toBeDefined();
      expect(await whoAmI(url, { cookie: cookie ?? '' })).toBe('first');

      // the link works once
      expect(
        await post(url, { token, username: 'second', password: 'second password' }),
      ).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
      expect(await isOpen(url)).toBe(false);
      expect(existsSync(file)).toBe(false);
      expect(await login(url, 'second', 'second password')).toBeUndefined();

      // the account is an admin the CLI sees, and a restart prints no link
      const listed = await runCli(target, ['user', 'list']);
      expect(listed.stdout).toBe('first\tadmin\tactive\n');
      await backend.stop();
      backend = await startBackendProcess(target);
      expect(backend.output()).not.toContain('/editor/setup?token=');
      expect(await isOpen(backend.url)).toBe(false);
      await backend.stop();
    },
  );

  it(
    'GENCASTER_ADMIN_USER / GENCASTER_ADMIN_PASSWORD create the admin unattended',
    { timeout: 300_000 },
    async () => {
      await backend?.kill9();
      const fresh: BackendTarget = { dataDir: join(dir, 'unattended') };
      backend = await startBackendProcess(fresh, {
        GENCASTER_ADMIN_USER: 'robot',
        GENCASTER_ADMIN_PASSWORD: 'robot password',
      });
      expect(backend.output()).not.toContain('/editor/setup?token=');
      expect(existsSync(join(fresh.dataDir, SETUP_TOKEN_FILE))).toBe(false);
      expect(await isOpen(backend.url)).toBe(false);
      expect(await login(backend.url, 'robot', 'robot password')).toBeDefined();
      await backend.stop();
      // only one of the two is a configuration error that says what to fix
      const half = await runCli(fresh, ['start'], { GENCASTER_ADMIN_USER: 'robot' });
      expect(half.code).toBe(1);
      expect(half.stderr).toContain(
        'GENCASTER_ADMIN_USER and GENCASTER_ADMIN_PASSWORD go together',
      );
    },
  );
});
