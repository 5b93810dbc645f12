// Regression for "the README's own instruction destroys data": `gencaster user add` while
// `gencaster start` serves opened the same PGlite data dir a second time; the fifth run died with
// Aborted() and the accounts it had reported "created" were gone after a restart. Here 20
// `user add` + `token create` run beside a serving backend while clients log in and write; after a
// restart every account, token and acknowledged write is there. On both engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@gencaster/db';
import {
  postgresUnavailableReason,
  startPostgresServer,
  type PostgresServer,
} from '@gencaster/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphql,
  login,
  runCli,
  startBackendProcess,
  whoAmI,
  type BackendProcess,
  type BackendTarget,
} from '../testing/backend-process.ts';

const pgSkip = postgresUnavailableReason();
const engines = [
  { engine: 'pglite' as const, skip: undefined },
  { engine: 'postgres' as const, skip: pgSkip },
];

const admin = { username: 'boss', password: 'boss password 1' };

const stage = (text: string) => console.log(`[cli-beside ${new Date().toISOString()}] ${text}`);

/** Editors keep writing graphs until told to stop; returns the slugs the server acknowledged. */
function startWritingClients(url: string, count: number) {
  let stop = false;
  const acked: string[] = [];
  const failures: string[] = [];
  const clients = Array.from({ length: count }, async (_, client) => {
    let n = 0;
    while (!stop) {
      try {
        const cookie = await login(url, admin.username, admin.password);
        if (!cookie) {
          failures.push(`client ${client}: login refused`);
          continue;
        }
        const slug = `c${client}-g${n++}`;
        const answer = await graphql<{ addGraph: { uuid: string } }>(
          url,
          'mutation ($i: AddGraphInput!) { addGraph(graphInput: $i) { uuid } }',
          {
            i: {
              name: slug,
              displayName: slug,
              slugName: slug,
              streamAssignmentPolicy: 'ONE_USER_ONE_STREAM',
              templateName: 'DEFAULT',
            },
          },
          { cookie },
        );
        if (answer.data?.addGraph.uuid) acked.push(slug);
        else failures.push(`client ${client}: ${JSON.stringify(answer.errors)}`);
      } catch (error) {
        failures.push(`client ${client}: ${String(error)}`);
        return;
      }
    }
  });
  return {
    acked,
    failures,
    async stop() {
      stop = true;
      await Promise.all(clients);
    },
  };
}

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.each(engines)(
  'CLI beside a serving backend ($engine)',
  { retry: 1 },
  ({ engine, skip }) => {
    let dir: string;
    let target: BackendTarget;
    let postgres: PostgresServer | undefined;
    let backend: BackendProcess | undefined;

    let attempt = 0;
    beforeAll(async () => {
      if (skip) return;
      dir = mkdtempSync(join(tmpdir(), `gencaster-cli-beside-${engine}-`));
      if (engine === 'postgres') postgres = await startPostgresServer();
    });

    /** A fresh data dir (and PostgreSQL database) per attempt, so a retry starts empty. */
    async function freshTarget(): Promise<BackendTarget> {
      attempt += 1;
      const fresh: BackendTarget = { dataDir: join(dir, `data-${attempt}`) };
      if (postgres) {
        await using admin = await openDatabase({ url: postgres.url, poolSize: 1 });
        await admin.pool?.query(`create database attempt_${attempt}`);
        fresh.databaseUrl = postgres.url.replace(/\/postgres$/, `/attempt_${attempt}`);
      }
      return fresh;
    }
    afterAll(async () => {
      await backend?.kill9();
      await postgres?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(skip !== undefined)(
      '20 user add + token create while clients log in and write; all there after a restart',
      { timeout: 600_000 },
      async () => {
        await backend?.kill9(); // a retry starts clean
        target = await freshTarget();
        backend = await startBackendProcess(target, {
          GENCASTER_ADMIN_USER: admin.username,
          GENCASTER_ADMIN_PASSWORD: admin.password,
        });
        // The unattended admin exists, so no setup link was printed.
        expect(backend.output()).not.toContain('/editor/setup?token=');
        const writers = startWritingClients(backend.url, 3);
        stage('backend up, clients writing');

        const accounts: { username: string; password: string; token: string }[] = [];
        const runOne = async (i: number) => {
          const username = `user-${i}`;
          // Half get a password from the environment, half a generated one printed by the CLI.
          const given = i % 2 === 0 ? `given password ${i}` : undefined;
          const added = await runCli(
            target,
            ['user', 'add', username, '--role', i % 3 === 0 ? 'admin' : 'editor'],
            given ? { GENCASTER_PASSWORD: given } : {},
          );
          expect(added.stderr).toBe('');
          expect(added.code).toBe(0);
          const role = i % 3 === 0 ? 'admin' : 'editor';
          const lines = added.stdout.trimEnd().split('\n');
          expect(lines[0]).toBe(`created ${role} "${username}"`);
          let password = given;
          if (given) expect(lines).toHaveLength(1);
          else {
            expect(lines).toHaveLength(2);
            expect(lines[1]).toMatch(/^password: [\w-]{16}$/);
            password = lines[1]?.slice('password: '.length);
          }
          const minted = await runCli(target, ['token', 'create', username, '--name', `t${i}`]);
          expect(minted.code).toBe(0);
          expect(minted.stdout).toMatch(/^[\w-]{20,}\n$/);
          const token = minted.stdout.trim();
          // The token works at once on the serving backend.
          expect(await whoAmI(backend!.url, { token })).toBe(username);
          accounts.push({ username, password: password ?? '', token });
          stage(`${username} added with a token`);
        };
        // Three CLI processes at a time beside the clients.
        const queue = Array.from({ length: 20 }, (_, i) => i);
        await Promise.all(
          Array.from({ length: 3 }, async () => {
            for (let i = queue.shift(); i !== undefined; i = queue.shift()) await runOne(i);
          }),
        );

        // A taken name: the same refusal and exit code as on a stopped server.
        const again = await runCli(target, ['user', 'add', 'user-1']);
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/^gencaster: .*app_user_username_key/);
        const unknownOwner = await runCli(target, ['token', 'create', 'nobody']);
        expect(unknownOwner.code).toBe(1);
        expect(unknownOwner.stderr).toBe(
          'gencaster: no account "nobody": create it with gencaster user add nobody\n',
        );

        if (engine === 'pglite') {
          // A second `gencaster start` on the same data dir fails fast and names the holder: no
          // slower than a CLI command that only asks the running backend (the lock is checked
          // before the server's code loads).
          let started = Date.now();
          expect((await runCli(target, ['user', 'list'])).code).toBe(0);
          const baselineMs = Date.now() - started;
          started = Date.now();
          const second = await runCli(target, ['start']);
          expect(second.code).toBe(1);
          expect(Date.now() - started).toBeLessThan(baselineMs * 2 + 5_000);
          expect(second.stderr).toContain(`is in use by pid ${backend.pid}`);
          expect(second.stderr).toContain('gencaster start');
          const migrate = await runCli(target, ['migrate']);
          expect(migrate.code).toBe(1);
          expect(migrate.stderr).toContain(
            `cannot migrate ${target.dataDir} while pid ${backend.pid}`,
          );
        }

        stage('20 accounts done');
        await writers.stop();
        stage(
          `clients stopped after ${writers.acked.length} acknowledged graphs; failures: ${writers.failures.slice(0, 3).join(' | ')}`,
        );
        expect(writers.failures).toEqual([]);
        expect(writers.acked.length).toBeGreaterThan(5);
        const listedWhileServing = await runCli(target, ['user', 'list']);
        expect(listedWhileServing.code).toBe(0);

        await backend.stop();
        expect(await backend.exited).toBe(0);
        backend = await startBackendProcess(target);
        stage('restarted');

        const listed = await runCli(target, ['user', 'list']);
        expect(listed.code).toBe(0);
        expect(listed.stdout).toBe(listedWhileServing.stdout);
        const names = listed.stdout
          .trimEnd()
          .split('\n')
          .map((line) => line.split('\t')[0]);
        expect(names.sort()).toEqual([admin.username, ...accounts.map((a) => a.username)].sort());
        for (const account of accounts) {
          expect(await login(backend.url, account.username, account.password)).toBeDefined();
          expect(await whoAmI(backend.url, { token: account.token })).toBe(account.username);
        }
        const graphs = await runCli(target, ['graph', 'list']);
        expect(graphs.code).toBe(0);
        const slugs = new Set(graphs.stdout.split('\n').map((line) => line.split('\t')[0]));
        expect(writers.acked.filter((slug) => !slugs.has(slug))).toEqual([]);
      },
    );
  },
);
