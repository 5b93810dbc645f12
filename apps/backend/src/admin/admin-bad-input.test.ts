// Bad input around the embedded database and the admin channel, each a clear typed error that
// says what to do next, with nothing stored lost: an admin socket that answers garbage, requests
// that are not admin requests, a foreign data dir, a database migrated by a newer version.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, listUsers, migrate, openDatabase, type Database } from '@gencaster/db';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { acquireDataDirLock } from '../data-dir-lock.ts';
import { embeddedDatabaseDir, openBackendDatabase } from '../open-backend-database.ts';
import { adminDir, adminSocketPath } from './admin-protocol.ts';
import { startAdminSocket } from './admin-socket-server.ts';
import { runAdminCommand } from './run-admin-command.ts';

const configFor = (dataDir: string) =>
  loadConfig({ GENCASTER_DATA_DIR: dataDir, LOG_LEVEL: 'error' }, process.cwd());

/** Sends raw bytes to a Unix socket and returns everything it answers. */
function rawExchange(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path, allowHalfOpen: true });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.on('connect', () => socket.end(payload));
  });
}

describe('admin channel and data dir bad input', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gencaster-bad-input-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('an admin socket that answers garbage gives a clear error naming the holder', async () => {
    // This test process holds the lock; a foreign program listens where the admin socket goes.
    await using _lock = await acquireDataDirLock({ dataDir, command: 'impostor' });
    mkdirSync(adminDir(dataDir), { mode: 0o700 });
    const impostor = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', () => undefined);
      socket.on('end', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await new Promise<void>((done) => impostor.listen(adminSocketPath(dataDir), done));
    try {
      const answer = runAdminCommand(configFor(dataDir), 'user.list', {});
      await expect(answer).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(answer).rejects.toThrow(
        /answered something that is not a Gencaster admin response \(not JSON: "HTTP\/1\.1 400.*It should be the backend holding the data dir, pid \d+ \(since .*: impostor\)/s,
      );
    } finally {
      await new Promise((done) => impostor.close(done));
    }
  });

  it('refuses to talk to an admin socket in a folder others can write', async () => {
    await using _lock = await acquireDataDirLock({ dataDir, command: 'holder' });
    mkdirSync(adminDir(dataDir), { mode: 0o777 });
    chmodSync(adminDir(dataDir), 0o777);
    await expect(runAdminCommand(configFor(dataDir), 'user.list', {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  describe('the admin socket server', () => {
    let database: Database;
    beforeEach(async () => {
      database = await openDatabase({ inMemory: true });
      await migrate(database);
    });
    afterEach(() => database.close());

    it('answers malformed requests with typed errors and keeps serving', async () => {
      await using server = await startAdminSocket({
        dataDir,
        context: { database, mediaRoot: join(dataDir, 'media') },
        logger: pino({ level: 'silent' }),
      });
      const ask = async (payload: string) =>
        JSON.parse(await rawExchange(server.path, payload)) as unknown;
      expect(await ask('not json')).toEqual({
        v: 1,
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'admin request is not JSON' },
      });
      const otherVersion = await ask(JSON.stringify({ v: 2, op: 'user.list', params: {} }));
      expect(otherVersion).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(JSON.stringify(otherVersion)).toContain('protocol version 1');
      expect(await ask(JSON.stringify({ v: 1, op: 'drop.everything', params: {} }))).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'unknown admin operation "drop.everything"' },
      });
      expect(
        await ask(
          JSON.stringify({ v: 1, op: 'user.add', params: { username: 'x', role: 'root' } }),
        ),
      ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      // legitimate use still works on the same socket
      expect(
        await ask(
          JSON.stringify({
            v: 1,
            op: 'user.add',
            params: {
              username: 'ok',
              role: 'editor',
              password: 'good password',
              printPassword: false,
            },
          }),
        ),
      ).toEqual({ v: 1, ok: true, result: { lines: ['created editor "ok"'] } });
      expect(await ask(JSON.stringify({ v: 1, op: 'user.list', params: {} }))).toEqual({
        v: 1,
        ok: true,
        result: { lines: ['ok\teditor\tactive'] },
      });
    });
  });

  it('refuses a foreign data dir without touching it', async () => {
    const dir = embeddedDatabaseDir({ dataDir });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    await expect(openBackendDatabase(configFor(dataDir))).rejects.toThrow(
      /is not an embedded Gencaster database \(no PG_VERSION.*nothing was changed/,
    );
    expect(readdirSync(dir)).toEqual(['thesis.docx']);
    // the refusal released the lock
    await using lock = await acquireDataDirLock({ dataDir });
    expect(lock.holder.pid).toBe(process.pid);
  });

  it(
    'refuses a database migrated by a newer version and keeps its data',
    { timeout: 120_000 },
    async () => {
      const config = configFor(dataDir);
      {
        await using database = await openBackendDatabase(config);
        await createUser(database, { username: 'kept', password: 'kept password', role: 'editor' });
        await database.pglite?.query(
          "insert into gencaster_migration (name) values ('9999-from-the-future')",
        );
      }
      const refusal = openBackendDatabase(config);
      await expect(refusal).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(refusal).rejects.toThrow(
        'migrated by a newer Gencaster (migrations this version does not know: 9999-from-the-future); nothing was changed',
      );
      await using raw = await openDatabase({ dataDir: embeddedDatabaseDir(config) });
      expect((await listUsers(raw)).map((user) => user.username)).toEqual(['kept']);
    },
  );
});
