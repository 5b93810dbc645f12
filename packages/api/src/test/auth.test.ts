// Login with a cookie session, CSRF protection of cookie-authenticated mutations, bearer tokens,
// rate-limited login attempts, logout.
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cookieHeaders,
  createEditor,
  gql,
  startTestServer,
  type TestServer,
} from '../testing/test-server.ts';

const login = `mutation($u: String!, $p: String!) { authLogin(username: $u, password: $p) { __typename ... on User { username role } ... on LoginError { errorMessage } } }`;
const addGraph = `mutation($name: String!) { addGraph(graphInput: { name: $name, displayName: $name, slugName: $name, streamAssignmentPolicy: ONE_USER_ONE_STREAM, templateName: DEFAULT }) { uuid slugName templateName } }`;

// retry: the per-account login spacing runs on wall time; on a loaded 2-core machine one request
// can outlast its first step, so the last guess finds the spacing over; one retry, reported as (retry x1).
describeEachEngine(
  'API auth',
  (getDb) => {
    let server: TestServer;
    let editor: Awaited<ReturnType<typeof createEditor>>;
    beforeAll(async () => {
      server = await startTestServer({ database: getDb(), corsOrigins: ['http://editor.test'] });
      editor = await createEditor(getDb());
    });
    afterAll(async () => {
      await server?.close();
    });

    // Cookie flags and CSRF protection: anonymous-access.test.ts.
    it('logs in with a cookie session; isAuthenticated and logout', async () => {
      const result = await gql(server.url, login, { u: editor.username, p: editor.password });
      expect(result.data?.authLogin).toEqual({
        __typename: 'User',
        username: editor.username,
        role: 'EDITOR',
      });
      const cookie = (result.headers.get('set-cookie') ?? '').split(';')[0]!;
      const me = await gql(server.url, `{ isAuthenticated { username isStaff } }`, {}, { cookie });
      expect(me.data?.isAuthenticated).toEqual({ username: editor.username, isStaff: true });
      const logout = await gql(server.url, `mutation { authLogout }`, {}, cookieHeaders(cookie));
      expect(logout.data?.authLogout).toBe(true);
      const after = await gql(server.url, `{ isAuthenticated { username } }`, {}, { cookie });
      expect(after.data?.isAuthenticated).toBeNull();
    });

    it('wrong credentials give LoginError; login attempts are rate-limited', async () => {
      const wrong = await gql(
        server.url,
        login,
        { u: editor.username, p: 'nope' },
        { 'x-forwarded-for': '10.9.9.9' },
      );
      expect(wrong.data?.authLogin).toEqual({
        __typename: 'LoginError',
        errorMessage: 'Wrong credentials',
      });
      for (let attempt = 0; attempt < 10; attempt += 1)
        await gql(server.url, login, { u: 'mallory', p: `guess${attempt}` });
      const limited = await gql(server.url, login, { u: 'mallory', p: 'guess' });
      expect(limited.data?.authLogin ?? null).toBeNull();
      expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    });

    it('bearer tokens work without CSRF header; explicit 0, "" and false are written', async () => {
      const created = await gql(server.url, addGraph, { name: 'bearer-graph' }, editor.bearer);
      const graphUuid = (created.data?.addGraph as { uuid: string }).uuid;
      const update = await gql(
        server.url,
        `mutation($g: UUID!) { updateGraph(graphUuid: $g, graphInput: { startText: "", publicVisible: false, slugName: "renamed-slug" }) { startText publicVisible slugName name } }`,
        { g: graphUuid },
        editor.bearer,
      );
      expect(update.data?.updateGraph).toEqual({
        startText: '',
        publicVisible: false,
        slugName: 'renamed-slug',
        name: 'bearer-graph',
      });
      const nulled = await gql(
        server.url,
        `mutation($g: UUID!) { updateGraph(graphUuid: $g, graphInput: { name: null }) { name } }`,
        { g: graphUuid },
        editor.bearer,
      );
      expect(nulled.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
      const bad = await gql(
        server.url,
        `{ graphs { uuid } }`,
        {},
        { authorization: 'Bearer not-a-token' },
      );
      expect(bad.data?.graphs).toBeDefined();
      const denied = await gql(
        server.url,
        `{ nodes { uuid } }`,
        {},
        { authorization: 'Bearer not-a-token' },
      );
      expect(denied.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  },
  { retry: 1 },
);
