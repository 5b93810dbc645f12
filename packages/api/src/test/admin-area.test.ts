// The admin area's operations on every engine: bounded paging, literal (hostile-safe) search,
// the filters, and the refusals that keep data whole — the last admin, the own account, a point
// with an active stream, an audio file a cell plays. Refusals by role: e2e/admin-refusals.test.ts.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- GraphQL answers are checked by value */
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedAdminWorld, type AdminWorld } from '../testing/admin-fixtures.ts';
import { gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import { MAX_PAGE_SIZE } from '../admin/admin-page.ts';

describeEachEngine('admin area', (getDb) => {
  let server: TestServer;
  let world: AdminWorld;
  const asAdmin = (query: string, variables: Record<string, unknown> = {}) =>
    gql(server.url, query, variables, world.admin.bearer);
  const logSearch = async (search: string) => {
    const answer = await asAdmin(
      'query($s: String) { adminLogs(filter: { search: $s }, page: { limit: 200 }) { totalCount items { uuid message } } }',
      { s: search },
    );
    return answer;
  };

  beforeAll(async () => {
    server = await startTestServer({ database: getDb() });
    world = await seedAdminWorld(getDb(), `t${Math.random().toString(36).slice(2, 8)}`);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('bounds the page size: a million rows asked, at most MAX_PAGE_SIZE answered', async () => {
    const answer = await asAdmin(
      '{ adminLogs(page: { limit: 1000000 }) { limit offset totalCount items { uuid } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.adminLogs.limit).toBe(MAX_PAGE_SIZE);
    expect(answer.data?.adminLogs.items.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    for (const page of ['{ offset: -1 }', '{ limit: 0 }', '{ offset: 2000000000 }']) {
      const bad = await asAdmin(`{ adminUsers(page: ${page}) { totalCount } }`);
      expect(bad.errors?.[0]?.extensions?.code, page).toBe('INVALID_INPUT');
    }
  });

  it('searches logs literally: LIKE and regex characters match themselves, huge text is refused', async () => {
    const percent = await logSearch('100%');
    expect(percent.data?.adminLogs.items.map((log: { uuid: string }) => log.uuid)).toEqual([
      world.logUuid,
    ]);
    for (const hostile of ['%', '_', '.*', '(a+)+$', "'; drop table stream_log; --", '\\', '[']) {
      const answer = await logSearch(hostile);
      expect(answer.errors, hostile).toBeUndefined();
      for (const log of answer.data?.adminLogs.items ?? [])
        expect((log as { message: string }).message.toLowerCase(), hostile).toContain(hostile);
    }
    const huge = await logSearch('x'.repeat(100_000));
    expect(huge.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const still = await logSearch('boom');
    expect(still.data?.adminLogs.totalCount).toBeGreaterThanOrEqual(1);
  });

  it('filters logs by level, stream, point, graph and time', async () => {
    const query =
      'query($f: AdminLogFilter) { adminLogs(filter: $f) { totalCount items { uuid } } }';
    const ids = async (filter: Record<string, unknown>) =>
      ((await asAdmin(query, { f: filter })).data?.adminLogs.items ?? []).map(
        (log: { uuid: string }) => log.uuid,
      );
    expect(await ids({ minLevel: 'ERROR', streamUuid: world.activeStreamUuid })).toEqual([
      world.logUuid,
    ]);
    expect(await ids({ minLevel: 'CRITICAL', streamUuid: world.activeStreamUuid })).toEqual([]);
    expect(await ids({ graphUuid: world.graphUuid })).toEqual([world.logUuid]);
    expect(await ids({ streamPointUuid: world.stalePointUuid })).toEqual([]);
    expect(
      await ids({ streamUuid: world.activeStreamUuid, from: new Date(Date.now() + 60_000) }),
    ).toEqual([]);
    const inverted = await asAdmin(query, {
      f: { from: new Date().toISOString(), to: new Date(Date.now() - 1000).toISOString() },
    });
    expect(inverted.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('lists streams with their variables and instructions filtered by state', async () => {
    const active = await asAdmin(
      'query($g: UUID) { adminStreams(filter: { active: true, graphUuid: $g }) { totalCount items { uuid streamPoint { uuid } } } }',
      { g: world.graphUuid },
    );
    expect(active.data?.adminStreams.items.map((s: { uuid: string }) => s.uuid)).toEqual([
      world.activeStreamUuid,
    ]);
    const variables = await asAdmin(
      'query($s: UUID!) { adminStreamVariables(streamUuid: $s) { uuid value } }',
      { s: world.activeStreamUuid },
    );
    expect(variables.data?.adminStreamVariables).toEqual([
      { uuid: world.variableUuid, value: 'calm' },
    ]);
    const instructions = (state: string) =>
      asAdmin(
        'query($s: UUID!, $st: String) { adminStreamInstructions(streamUuid: $s, state: $st) { totalCount items { uuid returnValue } } }',
        { s: world.activeStreamUuid, st: state },
      );
    expect((await instructions('FINISHED')).data?.adminStreamInstructions.items).toEqual([
      { uuid: world.instructionUuid, returnValue: expect.stringContaining('hello') },
    ]);
    expect((await instructions('FAILURE')).data?.adminStreamInstructions.totalCount).toBe(0);
    expect((await instructions('DROP TABLE')).errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('refuses to delete a point with an active stream or an online point; deletes a stale one', async () => {
    const del = (uuid: string) =>
      asAdmin('mutation($p: UUID!) { adminDeleteStreamPoint(uuid: $p) }', { p: uuid });
    const busy = await del(world.livePointUuid);
    expect(busy.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const db = getDb().db;
    expect(
      await db
        .selectFrom('stream')
        .select('uuid')
        .where('uuid', '=', world.activeStreamUuid)
        .execute(),
    ).toHaveLength(1);
    expect((await del(world.stalePointUuid)).data?.adminDeleteStreamPoint).toBe(true);
    expect(
      await db
        .selectFrom('stream')
        .select('uuid')
        .where('uuid', '=', world.endedStreamUuid)
        .execute(),
    ).toHaveLength(0);
    const listed = await asAdmin(
      '{ adminStreamPoints(filter: { online: false }) { items { point { uuid } } } }',
    );
    expect(
      listed.data?.adminStreamPoints.items.map((i: { point: { uuid: string } }) => i.point.uuid),
    ).not.toContain(world.stalePointUuid);
  });

  it('refuses to delete an audio file a cell plays (naming the cell); deletes a free one', async () => {
    const del = (uuid: string) =>
      asAdmin('mutation($a: UUID!) { adminDeleteAudioFile(uuid: $a) }', { a: uuid });
    const used = await del(world.usedAudioUuid);
    expect(used.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(used.errors?.[0]?.extensions?.details?.cells).toEqual([
      expect.stringMatching(/^admin world .* \/ Room /),
    ]);
    const db = getDb().db;
    const cells = await db
      .selectFrom('audioCell')
      .select('uuid')
      .where('audioFileUuid', '=', world.usedAudioUuid)
      .execute();
    expect(cells).toHaveLength(1);
    expect((await del(world.freeAudioUuid)).data?.adminDeleteAudioFile).toBe(true);
    const search = await asAdmin(
      'query($s: String) { adminAudioFiles(filter: { search: $s }) { items { audioFile { uuid } usedBy { nodeName } } } }',
      { s: 'Bells' },
    );
    const found = search.data?.adminAudioFiles.items.find(
      (i: { audioFile: { uuid: string } }) => i.audioFile.uuid === world.usedAudioUuid,
    );
    expect(found.usedBy).toHaveLength(1);
  });

  it('lists a text-to-speech entry with the provider that made it', async () => {
    const cache = await asAdmin('{ adminTtsCache { items { uuid voiceName provider } } }');
    expect(
      cache.data?.adminTtsCache.items.find((i: { uuid: string }) => i.uuid === world.ttsUuid),
    ).toEqual({ uuid: world.ttsUuid, voiceName: 'en-GB', provider: 'espeak-ng' });
  });

  it('purges a text-to-speech entry and its unused generated audio', async () => {
    const purged = await asAdmin('mutation($t: UUID!) { adminPurgeTtsEntry(uuid: $t) }', {
      t: world.ttsUuid,
    });
    expect(purged.data?.adminPurgeTtsEntry).toBe(1);
    const again = await asAdmin('mutation($t: UUID!) { adminPurgeTtsEntry(uuid: $t) }', {
      t: world.ttsUuid,
    });
    expect(again.data?.adminPurgeTtsEntry).toBe(0);
    const audio = await getDb()
      .db.selectFrom('audioFile')
      .select('uuid')
      .where('uuid', '=', world.ttsAudioUuid)
      .execute();
    expect(audio).toHaveLength(0);
    const cache = await asAdmin('{ adminTtsCache { items { uuid } } }');
    expect(cache.data?.adminTtsCache.items.map((i: { uuid: string }) => i.uuid)).not.toContain(
      world.ttsUuid,
    );
  });

  it('deactivating ends the login sessions and tokens stop working; reactivating restores the token', async () => {
    const me = '{ isAuthenticated { username } }';
    expect((await gql(server.url, me, {}, world.target.bearer)).data?.isAuthenticated).toEqual({
      username: world.target.username,
    });
    const off = await asAdmin(
      'mutation($u: UUID!) { adminUpdateUser(userUuid: $u, isActive: false) { isActive } }',
      { u: world.target.uuid },
    );
    expect(off.data?.adminUpdateUser.isActive).toBe(false);
    expect((await gql(server.url, me, {}, world.target.bearer)).data?.isAuthenticated).toBeNull();
    const sessions = await asAdmin(
      'query($u: UUID!) { adminUserSessions(userUuid: $u) { uuid kind } }',
      { u: world.target.uuid },
    );
    expect(sessions.data?.adminUserSessions.map((s: { kind: string }) => s.kind)).toEqual([
      'api_token',
    ]);
    await asAdmin(
      'mutation($u: UUID!) { adminUpdateUser(userUuid: $u, isActive: true) { isActive } }',
      {
        u: world.target.uuid,
      },
    );
    expect((await gql(server.url, me, {}, world.target.bearer)).data?.isAuthenticated).toEqual({
      username: world.target.username,
    });
    const token = sessions.data?.adminUserSessions[0].uuid as string;
    const revoked = await asAdmin('mutation($s: UUID!) { adminRevokeSession(sessionUuid: $s) }', {
      s: token,
    });
    expect(revoked.data?.adminRevokeSession).toBe(true);
    expect((await gql(server.url, me, {}, world.target.bearer)).data?.isAuthenticated).toBeNull();
  });

  it('never removes the last active admin or the own account; deletes a user without touching graphs', async () => {
    const db = getDb().db;
    // Other suites on this database may have admins: only the world's admin stays active.
    const others = await db
      .selectFrom('appUser')
      .select('uuid')
      .where('role', '=', 'admin')
      .where('isActive', '=', true)
      .where('uuid', '!=', world.admin.uuid)
      .execute();
    await db
      .updateTable('appUser')
      .set({ isActive: false })
      .where(
        'uuid',
        'in',
        others.map((o) => o.uuid).concat(['00000000-0000-0000-0000-000000000000']),
      )
      .execute();
    try {
      for (const mutation of [
        'adminUpdateUser(userUuid: $u, role: EDITOR) { uuid }',
        'adminUpdateUser(userUuid: $u, isActive: false) { uuid }',
        'adminDeleteUser(userUuid: $u)',
      ]) {
        const answer = await asAdmin(`mutation($u: UUID!) { ${mutation} }`, {
          u: world.admin.uuid,
        });
        expect(answer.errors?.[0]?.extensions?.code, mutation).toBe('CONFLICT');
      }
      const admin = await db
        .selectFrom('appUser')
        .select(['role', 'isActive'])
        .where('uuid', '=', world.admin.uuid)
        .executeTakeFirstOrThrow();
      expect(admin).toEqual({ role: 'admin', isActive: true });
    } finally {
      if (others.length > 0)
        await db
          .updateTable('appUser')
          .set({ isActive: true })
          .where(
            'uuid',
            'in',
            others.map((o) => o.uuid),
          )
          .execute();
    }
    const graphsBefore = await db.selectFrom('graph').select('uuid').execute();
    const deleted = await asAdmin('mutation($u: UUID!) { adminDeleteUser(userUuid: $u) }', {
      u: world.editor.uuid,
    });
    expect(deleted.data?.adminDeleteUser).toBe(true);
    expect(await db.selectFrom('graph').select('uuid').execute()).toHaveLength(graphsBefore.length);
    expect(
      await db
        .selectFrom('userSession')
        .select('uuid')
        .where('userUuid', '=', world.editor.uuid)
        .execute(),
    ).toHaveLength(0);
    const missing = await asAdmin('mutation($u: UUID!) { adminDeleteUser(userUuid: $u) }', {
      u: world.editor.uuid,
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('ends a stream: inactive with an end date, its point free again', async () => {
    const ended = await asAdmin(
      'mutation($s: UUID!) { adminEndStream(streamUuid: $s) { active endedDate } }',
      { s: world.activeStreamUuid },
    );
    expect(ended.data?.adminEndStream.active).toBe(false);
    expect(ended.data?.adminEndStream.endedDate).toEqual(expect.any(String));
    const free = await asAdmin(
      '{ adminStreamPoints(filter: { online: true }) { items { point { uuid } currentStream { uuid } } } }',
    );
    const point = free.data?.adminStreamPoints.items.find(
      (i: { point: { uuid: string } }) => i.point.uuid === world.livePointUuid,
    );
    expect(point.currentStream).toBeNull();
  });
});
