// What an anonymous caller, a cookie session and a listener token may and may not do over GraphQL
// HTTP and WebSocket: editor data needs a login, cookie mutations need the CSRF header and an
// allowed origin, a listener token writes only its own stream. Real PGlite and PostgreSQL, real
// HTTP and WebSocket servers. Each test's comment says how the original Gencaster failed it.
//
// Not here: "authorization never checks is_staff" has no counterpart, because every account is
// an editor or admin (isStaff is true for all), so the anonymous-caller tests are the whole of it;
// the editor pausing its node subscription while edits are unsaved is browser state, covered with
// the real editor in e2e/editor-live-sync.test.ts and e2e/editor-logic.test.ts.
import { createNode, createScriptCells, getScriptCell } from '@gencaster/db';
import { describeEachEngine } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import {
  cookieHeaders,
  createEditor,
  gql,
  startTestServer,
  type TestServer,
} from '../testing/test-server.ts';
import { wsClient } from '../testing/ws-clients.ts';
import { committedSecrets, firstResults, trackedSources } from './subscription-helpers.ts';

describeEachEngine(
  'API access: anonymous callers, cookie sessions and listener tokens',
  (getDb) => {
    let server: TestServer;
    let editor: Awaited<ReturnType<typeof createEditor>>;

    beforeAll(async () => {
      server = await startTestServer({
        database: getDb(),
        corsOrigins: ['http://editor.test'],
        options: { reconnectGraceMs: 0 },
      });
      editor = await createEditor(getDb());
    });
    afterAll(async () => {
      await server?.close();
    });

    it('an anonymous caller cannot update script cells, and the cell is unchanged', async () => {
      const graph = await createTestGraph(getDb());
      const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'n' });
      const [cell] = await createScriptCells(getDb(), [
        { nodeUuid: node.uuid, cellType: 'comment', cellCode: 'before' },
      ]);
      const result = await gql(
        server.url,
        `mutation($cells: [ScriptCellInputUpdate!]!) { updateScriptCells(scriptCellInputs: $cells) { uuid cellCode } }`,
        { cells: [{ uuid: cell!.uuid, cellCode: 'hacked' }] },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await getScriptCell(getDb(), cell!.uuid)).cellCode).toBe('before');
      const allowed = await gql(
        server.url,
        `mutation($cells: [ScriptCellInputUpdate!]!) { updateScriptCells(scriptCellInputs: $cells) { uuid cellCode } }`,
        { cells: [{ uuid: cell!.uuid, cellCode: '' }] },
        editor.bearer,
      );
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data?.updateScriptCells).toEqual([{ uuid: cell!.uuid, cellCode: '' }]);
    });

    it('an anonymous audio upload is refused before the file is read', async () => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query: `mutation($file: Upload!) { addAudioFile(newAudioFile: { file: $file, name: "x", description: "", fileName: "x.wav" }) { __typename } }`,
          variables: { file: null },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.file'] }));
      form.append('0', new Blob([new Uint8Array(1024)]), 'x.wav');
      const response = await fetch(server.url, {
        method: 'POST',
        body: form,
        headers: { 'x-graphql-yoga-csrf': '1' },
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const count = await getDb()
        .db.selectFrom('audioFile')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('an anonymous caller cannot subscribe to graph, node, streamLogs or streams', async () => {
      const graph = await createTestGraph(getDb());
      const node = await createNode(getDb(), { graphUuid: graph.uuid, name: 'secret code' });
      const client = wsClient(server.wsUrl);
      try {
        const operations: [string, Record<string, unknown>][] = [
          [
            `subscription($g: UUID!) { graph(graphUuid: $g) { uuid nodes { scriptCells { cellCode } } } }`,
            { g: graph.uuid },
          ],
          [
            `subscription($n: UUID!) { node(nodeUuid: $n) { uuid scriptCells { cellCode } } }`,
            { n: node.uuid },
          ],
          [`subscription { streamLogs { uuid message } }`, {}],
          [`subscription { streams(limit: 5) { uuid } }`, {}],
        ];
        for (const [query, variables] of operations) {
          const [result] = await firstResults(client, query, variables);
          expect(result?.data ?? null, query).toBeNull();
          expect(result?.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
        }
        const editorClient = wsClient(server.wsUrl, { authorization: editor.bearer.authorization });
        const [ok] = await firstResults(editorClient, operations[1]![0], operations[1]![1]);
        expect(ok?.data).toEqual({ node: { uuid: node.uuid, scriptCells: [] } });
        await editorClient.dispose();
      } finally {
        await client.dispose();
      }
    });

    it('an anonymous caller sees only public graphs and no nodes', async () => {
      const hidden = await createTestGraph(getDb(), { publicVisible: false });
      const shown = await createTestGraph(getDb(), { publicVisible: true });
      const query = `{ graphs { uuid } }`;
      const anonymous = await gql<{ graphs: { uuid: string }[] }>(server.url, query);
      const uuids = anonymous.data?.graphs.map((graph) => graph.uuid) ?? [];
      expect(uuids).toContain(shown.uuid);
      expect(uuids).not.toContain(hidden.uuid);
      const asEditor = await gql<{ graphs: { uuid: string }[] }>(
        server.url,
        query,
        {},
        editor.bearer,
      );
      expect(asEditor.data?.graphs.map((graph) => graph.uuid)).toContain(hidden.uuid);
      const nodes = await gql(server.url, `{ graphs { uuid nodes { uuid } } }`);
      expect(nodes.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    // Original: hard-coded Django SECRET_KEY, Janus admin_secret, OSC password "helloSC", Sentry
    // DSNs committed, and a default superuser admin/admin in the dev environment.
    it('no secret literal is committed, a fresh database has no account, and admin/admin is refused', async () => {
      expect(
        committedSecrets([
          /SECRET_KEY\s*=\s*['"]/,
          /janusoverlord/,
          /admin_secret\s*=\s*"[^"$]/,
          /helloSC/,
          /https:\/\/[0-9a-f]{32}@[\w.]*sentry/,
        ]),
      ).toEqual([]);
      const admins = await getDb()
        .db.selectFrom('appUser')
        .select('uuid')
        .where('username', '=', 'admin')
        .execute();
      expect(admins).toEqual([]);
      const login = await gql(
        server.url,
        `mutation { authLogin(username: "admin", password: "admin") { __typename } }`,
        {},
        { 'x-forwarded-for': '10.11.12.13' },
      );
      expect(login.data?.authLogin).toEqual({ __typename: 'LoginError' });
    });

    // Original: the listener rendered markdown with v-html unfiltered (links, images) and the
    // editor's error toast used dangerouslyUseHTMLString. (Rendering itself: e2e/listener-browser-units.)
    it('every v-html in the web apps binds a DOMPurify-sanitised value and no toast renders HTML', () => {
      const vue = trackedSources(/^apps\/.*\.vue$/);
      expect(vue.length).toBeGreaterThan(0);
      const unsafe = vue
        .filter(({ code }) => /v-html=/.test(code))
        .filter(({ code }) => !/DOMPurify\.sanitize|renderSafeMarkdown/.test(code))
        .map(({ file }) => file);
      expect(unsafe).toEqual([]);
      const htmlToasts = trackedSources(/^apps\/.*\.(vue|ts)$/)
        .filter(({ code }) => /dangerouslyUseHTMLString\s*:\s*true/.test(code))
        .map(({ file }) => file);
      expect(htmlToasts).toEqual([]);
    });

    // Original: streamPoints answered anyone (hosts, ports and Janus rooms of every point).
    it('an anonymous caller cannot list stream points (hosts, ports, Janus rooms)', async () => {
      await insertLivePoints(getDb(), 1);
      const query = `{ streamPoints { uuid host port } }`;
      const anonymous = await gql(server.url, query);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.data ?? null).toBeNull();
      const asEditor = await gql<{ streamPoints: unknown[] }>(server.url, query, {}, editor.bearer);
      expect(asEditor.data?.streamPoints.length).toBeGreaterThan(0);
    });

    // Original: the GraphQL view was CSRF-exempt while sessions were cookies with SameSite=None.
    it('the session cookie is HttpOnly SameSite=Lax, and cookie mutations need the CSRF header and an allowed origin', async () => {
      const login = `mutation($u: String!, $p: String!) { authLogin(username: $u, password: $p) { __typename } }`;
      const addGraph = `mutation($name: String!) { addGraph(graphInput: { name: $name, displayName: $name, slugName: $name, streamAssignmentPolicy: ONE_USER_ONE_STREAM, templateName: DEFAULT }) { slugName } }`;
      const result = await gql(server.url, login, { u: editor.username, p: editor.password });
      expect(result.data?.authLogin).toEqual({ __typename: 'User' });
      const setCookie = result.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/gencaster_session=/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      const cookie = setCookie.split(';')[0]!;
      const name = `csrf-${Math.random().toString(36).slice(2, 8)}`;
      const forged = await gql(server.url, addGraph, { name }, cookieHeaders(cookie, false));
      expect(forged.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const crossSite = await gql(
        server.url,
        addGraph,
        { name },
        { ...cookieHeaders(cookie), origin: 'http://evil.test' },
      );
      expect(crossSite.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const graphs = await getDb()
        .db.selectFrom('graph')
        .select('uuid')
        .where('slugName', '=', name)
        .execute();
      expect(graphs).toEqual([]);
      const ok = await gql(
        server.url,
        addGraph,
        { name },
        { ...cookieHeaders(cookie), origin: 'http://editor.test' },
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.addGraph).toEqual({ slugName: name });
    });

    it('a listener token writes variables of its own stream only', async () => {
      await insertLivePoints(getDb(), 2);
      const graph = await createTestGraph(getDb());
      const query = `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename ... on StreamInfo { listenerToken stream { uuid } } } }`;
      const alice = wsClient(server.wsUrl);
      const bob = wsClient(server.wsUrl);
      const aliceIt = alice.iterate({ query, variables: { g: graph.uuid } });
      const bobIt = bob.iterate({ query, variables: { g: graph.uuid } });
      try {
        type Info = { data: { streamInfo: { listenerToken: string; stream: { uuid: string } } } };
        const a = ((await aliceIt.next()).value as Info).data.streamInfo;
        const b = ((await bobIt.next()).value as Info).data.streamInfo;
        expect(a.stream.uuid).not.toBe(b.stream.uuid);
        const mutation = `mutation($vars: [StreamVariableInput!]!, $token: String) { createUpdateStreamVariable(streamVariables: $vars, listenerToken: $token) { key value } }`;
        const withoutToken = await gql(server.url, mutation, {
          vars: [{ streamUuid: b.stream.uuid, key: 'k', value: 'v' }],
        });
        expect(withoutToken.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const othersStream = await gql(server.url, mutation, {
          vars: [{ streamUuid: b.stream.uuid, key: 'k', value: 'v' }],
          token: a.listenerToken,
        });
        expect(othersStream.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const own = await gql(server.url, mutation, {
          vars: [{ streamUuid: a.stream.uuid, key: 'k', value: '' }],
          token: a.listenerToken,
        });
        expect(own.errors).toBeUndefined();
        expect(own.data?.createUpdateStreamVariable).toEqual([{ key: 'k', value: '' }]);
        const rows = await getDb()
          .db.selectFrom('streamVariable')
          .select('streamUuid')
          .where('key', '=', 'k')
          .execute();
        expect(rows.map((row) => row.streamUuid)).toEqual([a.stream.uuid]);
      } finally {
        await aliceIt.return?.();
        await bobIt.return?.();
        await alice.dispose();
        await bob.dispose();
      }
    });
  },
);
