// Issue 20, items 4, 5 and 7: the limits and trust rules of the public edge, attacked on a real
// backend (startBackend: HTTP, GraphQL WS, database, metrics) with real HTTP and WebSocket
// clients, on PGlite and on PostgreSQL. Each attack asserts the typed refusal and that legitimate
// use still works. 127.0.0.2 plays the trusted reverse proxy (GENCASTER_TRUSTED_PROXIES); other
// loopback addresses are separate clients.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- answers are checked by value */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createGraph,
  createScriptCells,
  createSession,
  createUser,
  getEntryNode,
  type Database,
} from '@gencaster/db';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from './config.ts';
import { startBackend, type Backend } from './start-backend.ts';
import {
  backendEngines,
  createPostgresDatabase,
  graphql,
  healthBudgetMs,
  send,
  streamBody,
  watchHealth,
} from './testing/edge-clients.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const metricsToken = 'metrics-token-for-the-edge-test';
const csrf = { 'x-gencaster-csrf': '1' };
const loginQuery = `mutation($u: String!, $p: String!) { authLogin(username: $u, password: $p) { __typename ... on LoginError { errorMessage } ... on User { username } } }`;
const streamInfoQuery = `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename ... on StreamInfo { listenerToken stream { uuid } } ... on NoStreamAvailable { error } } }`;
const writeVariable = `mutation($t: String, $v: [StreamVariableInput!]!) { createUpdateStreamVariable(listenerToken: $t, streamVariables: $v) { key value } }`;

type Account = { username: string; password: string; uuid: string; bearer: string };

async function account(database: Database, role: 'editor' | 'admin'): Promise<Account> {
  const username = `${role}-${Math.random().toString(36).slice(2, 9)}`;
  const password = 'a long and correct password';
  const user = await createUser(database, { username, password, role });
  const { token } = await createSession(database, {
    userUuid: user.uuid,
    kind: 'api_token',
    name: 'test',
    ttlMs: null,
  });
  return { username, password, uuid: user.uuid, bearer: `Bearer ${token}` };
}

/** Logs in from `from` (a distinct client address) and returns the session cookie. */
async function login(baseUrl: string, who: Account, from: string): Promise<string> {
  const answer = await graphql(baseUrl, loginQuery, { u: who.username, p: who.password }, { from });
  expect(answer.json().data?.authLogin?.__typename, answer.text).toBe('User');
  const cookie = String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^gencaster_session=/);
  return cookie;
}

/** A graphql-ws client sending `headers` on the upgrade (a browser's cookie). */
function wsWithHeaders(baseUrl: string, headers: Record<string, string>, closes: number[]): Client {
  class HeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: HeaderSocket,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
}

/** One result of a GraphQL operation over a socket (or the refusal that closed it). */
interface OnceResult {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

async function once(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<OnceResult> {
  const iterator = client.iterate({ query, variables });
  try {
    const first = await iterator.next();
    return first.value as OnceResult;
  } catch (error) {
    if (Array.isArray(error)) return { errors: error as OnceResult['errors'] };
    return { errors: [{ message: String(error), extensions: { code: 'CLOSED' } }] };
  } finally {
    await iterator.return?.();
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts an attacker script (testing/*.mjs) in its own process with `input`; `ready` resolves once
 * it has started, `go()` lets it attack and resolves with what it reports.
 */
function startFlood(script: string, input: unknown) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [JSON.stringify(input)]);
  const messages: unknown[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message) => {
    messages.push(message);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((wake) => waiters.push(wake));
    return messages.shift();
  };
  return {
    ready: next(),
    go: () => {
      child.send('go');
      return next();
    },
  };
}

/** A mono 16-bit 48 kHz WAV of `seconds` of a quiet tone. */
function wav(seconds: number): Buffer {
  const samples = Math.round(48_000 * seconds);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1)
    data.writeInt16LE(Math.round(Math.sin((i / 48_000) * 2 * Math.PI * 440) * 3000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

function uploadForm(file: Buffer): FormData {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: `mutation($file: Upload!) { addAudioFile(newAudioFile: { file: $file, name: "tone", description: "", fileName: "tone.wav" }) { __typename ... on AudioFile { uuid } ... on InvalidAudioFile { error } } }`,
      variables: { file: null },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([new Uint8Array(file)]), 'tone.wav');
  return form;
}

function modesUnder(dir: string, skip: string[]): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) return;
    out.push({ path, mode: info.mode & 0o777, dir: info.isDirectory() });
    if (info.isDirectory())
      for (const entry of readdirSync(path)) {
        const child = join(path, entry);
        if (!skip.includes(child)) walk(child);
      }
  };
  walk(dir);
  return out;
}

for (const { engine, skip } of backendEngines()) {
  if (skip) console.warn(`[public-edge] skipping ${engine}: ${skip}`);
  // retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
  describe.skipIf(skip !== undefined)(
    `public edge limits on a real backend [${engine}]`,
    { retry: 1 },
    () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gencaster-edge-'));
      let backend: Backend;
      let url: string;
      let editor: Account;
      let admin: Account;
      let dropDatabase: (() => Promise<void>) | undefined;

      beforeAll(async () => {
        // A data dir an older version left readable and writable by everyone.
        chmodSync(dataDir, 0o755);
        mkdirSync(join(dataDir, 'media'), { recursive: true });
        chmodSync(join(dataDir, 'media'), 0o777);
        writeFileSync(join(dataDir, 'media', 'old-upload.wav'), 'x');
        chmodSync(join(dataDir, 'media', 'old-upload.wav'), 0o666);
        const env: Record<string, string> = {
          GENCASTER_PORT: '0',
          GENCASTER_OSC_PORT: '0',
          GENCASTER_DATA_DIR: dataDir,
          GENCASTER_SOUND_POINTS: '0',
          LOG_LEVEL: 'warn',
          GENCASTER_MAX_SESSIONS_PER_CLIENT: '5',
          GENCASTER_TRUSTED_PROXIES: '127.0.0.2',
          GENCASTER_METRICS_TOKEN: metricsToken,
          GENCASTER_MAX_UPLOAD_MB: '2',
          GENCASTER_CORS_ORIGINS: 'http://editor.test',
        };
        if (engine === 'postgres') {
          const created = await createPostgresDatabase();
          env.DATABASE_URL = created.url;
          dropDatabase = created.drop;
        }
        backend = await startBackend(loadConfig(env, repoRoot), { soundPoints: 0 });
        url = backend.url;
        editor = await account(backend.database, 'editor');
        admin = await account(backend.database, 'admin');
      }, 180_000);

      afterAll(async () => {
        await backend?.close();
        await dropDatabase?.();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('the data dir and everything in it are private to the backend user after start', async () => {
        const sound = join(dataDir, 'sound');
        const entries = modesUnder(dataDir, [sound]);
        expect(entries.length).toBeGreaterThan(3);
        const open = entries.filter(
          (entry) => (entry.mode & 0o077) !== 0 && entry.path !== dataDir,
        );
        expect(open.map((entry) => `${entry.path} ${entry.mode.toString(8)}`)).toEqual([]);
        expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
        expect(lstatSync(join(dataDir, 'media', 'old-upload.wav')).mode & 0o777).toBe(0o600);
        if (engine === 'pglite') {
          const dbFiles = entries.filter((entry) => entry.path.startsWith(join(dataDir, 'db')));
          expect(dbFiles.length).toBeGreaterThan(50);
        }
        // legitimate use: the backend still reads and writes its data; whatever it writes later
        // sits in 0700 directories, out of reach of other users
        const created = await graphql(
          url,
          `
            mutation {
              addGraph(
                graphInput: {
                  name: "private-dir"
                  displayName: "d"
                  slugName: "private-dir"
                  streamAssignmentPolicy: ONE_USER_ONE_STREAM
                  templateName: DEFAULT
                }
              ) {
                uuid
              }
            }
          `,
          {},
          { headers: { authorization: editor.bearer } },
        );
        expect(created.json().errors).toBeUndefined();
        const dirs = modesUnder(dataDir, [sound]).filter(
          (entry) => entry.dir && entry.path !== dataDir,
        );
        expect(dirs.filter((entry) => entry.mode !== 0o700).map((entry) => entry.path)).toEqual([]);
      });

      it('/metrics requires the token when GENCASTER_METRICS_TOKEN is set', async () => {
        const anonymous = await send(url, { path: '/metrics' });
        expect(anonymous.status).toBe(401);
        expect(anonymous.json().errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(anonymous.text).not.toContain('gencaster_');
        const wrong = await send(url, {
          path: '/metrics',
          headers: { authorization: 'Bearer nope' },
        });
        expect(wrong.status).toBe(401);
        const scraper = await send(url, {
          path: '/metrics',
          headers: { authorization: `Bearer ${metricsToken}` },
        });
        expect(scraper.status).toBe(200);
        expect(scraper.text).toContain('gencaster_streams_active');
      });

      it('CORS answers only the configured origins', async () => {
        const preflight = (origin: string) =>
          send(url, {
            method: 'OPTIONS',
            path: '/graphql',
            headers: {
              origin,
              'access-control-request-method': 'POST',
              'access-control-request-headers': 'content-type',
            },
          });
        const evil = await preflight('http://evil.test');
        expect(evil.headers['access-control-allow-origin']).toBeUndefined();
        expect(evil.headers['access-control-allow-credentials']).toBeUndefined();
        const post = await graphql(
          url,
          `
            {
              graphs {
                uuid
              }
            }
          `,
          {},
          { headers: { origin: 'http://evil.test' } },
        );
        expect(post.headers['access-control-allow-origin']).toBeUndefined();
        const allowed = await preflight('http://editor.test');
        expect(allowed.headers['access-control-allow-origin']).toBe('http://editor.test');
        expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      });

      it('Secure cookies behind a trusted proxy saying https, not when an untrusted peer says so', async () => {
        const viaProxy = await graphql(
          url,
          loginQuery,
          { u: editor.username, p: editor.password },
          {
            from: '127.0.0.2',
            headers: { 'x-forwarded-for': '198.51.100.20', 'x-forwarded-proto': 'https' },
          },
        );
        expect(viaProxy.json().data.authLogin.__typename).toBe('User');
        expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure/);
        const spoofed = await graphql(
          url,
          loginQuery,
          { u: editor.username, p: editor.password },
          { from: '127.0.0.3', headers: { 'x-forwarded-proto': 'https' } },
        );
        expect(spoofed.json().data.authLogin.__typename).toBe('User');
        expect(String(spoofed.headers['set-cookie'])).toMatch(/^gencaster_session=/);
        expect(String(spoofed.headers['set-cookie'])).not.toMatch(/Secure/);
      });

      it('40 concurrent login guesses from one address: at most 10 are checked; the owner still logs in', async () => {
        // The guesses come from another process (started before the measurement), so that the
        // /health timings are the server's.
        const guesses = Array.from({ length: 40 }, (_, index) =>
          JSON.stringify({
            query: loginQuery,
            variables: { u: editor.username, p: `guess-${index}` },
          }),
        );
        const flood = startFlood('./testing/http-flood.mjs', {
          url,
          from: '127.0.0.9',
          bodies: guesses,
        });
        await flood.ready;
        const budget = await healthBudgetMs(url);
        const health = watchHealth(url);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { answers: raw } = (await flood.go()) as {
          answers: { status: number; text: string }[];
        };
        const { slowestMs, failures } = await health.stop();
        expect(failures).toEqual([]);
        // Ten checks at OWASP scrypt cost keep one core busy for ~10 s; on the shared 2-core test
        // machine that alone cost /health ~250 ms (measured 358 ms against 129 ms quiet). The bound
        // catches what this fixes: unqueued hashing stalled /health for 4.4 s.
        expect(slowestMs).toBeLessThan(budget + 900);
        const answers = raw.map((answer) => ({ json: () => JSON.parse(answer.text) }));
        const bodies = answers.map((answer) => answer.json());
        const checked = bodies.filter((body) => body.data?.authLogin?.__typename === 'LoginError');
        const limited = bodies.filter(
          (body) => body.errors?.[0]?.extensions?.code === 'RATE_LIMITED',
        );
        expect(checked.length).toBeLessThanOrEqual(10);
        expect(checked.length).toBeGreaterThan(0);
        expect(limited.length).toBe(40 - checked.length);
        expect(limited[0].errors[0].extensions.details.retryAfterMs).toBeGreaterThan(0);
        // the guessing address cannot get out of its counter by claiming another one
        const spoof = await graphql(
          url,
          loginQuery,
          { u: editor.username, p: editor.password },
          { from: '127.0.0.9', headers: { 'x-forwarded-for': '192.0.2.44' } },
        );
        expect(spoof.json().errors[0].extensions.code).toBe('RATE_LIMITED');
        // not a lock-out: the owner, from another address behind the proxy, logs in at once
        const owner = await graphql(
          url,
          loginQuery,
          { u: editor.username, p: editor.password },
          { from: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.30' } },
        );
        expect(owner.json().data.authLogin).toEqual({
          __typename: 'User',
          username: editor.username,
        });
      });

      it('cookie-authenticated GET and SSE (a plain link, an EventSource) need the CSRF header', async () => {
        const cookie = await login(url, editor, '127.0.0.4');
        const graph = await createGraph(backend.database, { name: `csrf-${Date.now()}` });
        const play = `subscription($g: UUID!) { playGraph(graphUuid: $g) { __typename } }`;
        const link = `/graphql?query=${encodeURIComponent(play)}&variables=${encodeURIComponent(JSON.stringify({ g: graph.uuid }))}`;
        const sse = await send(url, {
          path: link,
          headers: { cookie, accept: 'text/event-stream' },
        });
        expect(sse.text).toContain('FORBIDDEN');
        expect(sse.text).not.toContain('"__typename"');
        const me = `/graphql?query=${encodeURIComponent('{ isAuthenticated { username } }')}`;
        const plainGet = await send(url, { path: me, headers: { cookie } });
        expect(plainGet.json().errors[0].extensions.code).toBe('FORBIDDEN');
        // legitimate: the editor's own requests carry the header; bearer tokens need none
        const withHeader = await send(url, { path: me, headers: { cookie, ...csrf } });
        expect(withHeader.json().data.isAuthenticated.username).toBe(editor.username);
        const bearer = await send(url, { path: me, headers: { authorization: editor.bearer } });
        expect(bearer.json().data.isAuthenticated.username).toBe(editor.username);
        // anonymous GET reads still work
        const anonymous = await send(url, {
          path: `/graphql?query=${encodeURIComponent('{ graphs { uuid } }')}`,
        });
        expect(anonymous.json().errors).toBeUndefined();
      });

      it('logout, deactivation and a password change close the open WebSocket at once', async () => {
        const addGraph = `mutation($n: String!) { addGraph(graphInput: { name: $n, displayName: $n, slugName: $n, streamAssignmentPolicy: ONE_USER_ONE_STREAM, templateName: DEFAULT }) { uuid } }`;
        // logout
        const cookie = await login(url, editor, '127.0.0.5');
        const closes: number[] = [];
        const socket = wsWithHeaders(url, { cookie }, closes);
        const before = await once(socket, addGraph, { n: `ws-before-${Date.now()}` });
        expect(before.errors).toBeUndefined();
        await graphql(
          url,
          `
            mutation {
              authLogout
            }
          `,
          {},
          { headers: { cookie, ...csrf }, from: '127.0.0.5' },
        );
        await until(() => closes.length > 0, 2000, 'the socket closing after logout');
        expect(closes[0]).toBe(4401);
        await socket.dispose();
        const again: number[] = [];
        const reopened = wsWithHeaders(url, { cookie }, again);
        const after = await once(reopened, addGraph, { n: `ws-after-${Date.now()}` });
        expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        await reopened.dispose();

        // deactivation by an admin
        const other = await account(backend.database, 'editor');
        const otherCookie = await login(url, other, '127.0.0.5');
        const otherCloses: number[] = [];
        const otherSocket = wsWithHeaders(url, { cookie: otherCookie }, otherCloses);
        expect((await once(otherSocket, `{ isAuthenticated { username } }`)).data).toEqual({
          isAuthenticated: { username: other.username },
        });
        const off = await graphql(
          url,
          `
            mutation ($u: String!) {
              adminSetUserActive(username: $u, active: false) {
                isActive
              }
            }
          `,
          { u: other.username },
          { headers: { authorization: admin.bearer } },
        );
        expect(off.json().data.adminSetUserActive.isActive).toBe(false);
        await until(() => otherCloses.length > 0, 2000, 'the socket closing after deactivation');
        expect(otherCloses[0]).toBe(4401);
        await otherSocket.dispose();
        const refused = await graphql(
          url,
          loginQuery,
          { u: other.username, p: other.password },
          { from: '127.0.0.6' },
        );
        expect(refused.json().data.authLogin.__typename).toBe('LoginError');
        // an editor may not deactivate anyone
        const notAdmin = await graphql(
          url,
          `
            mutation ($u: String!) {
              adminSetUserActive(username: $u, active: false) {
                isActive
              }
            }
          `,
          { u: admin.username },
          { headers: { authorization: editor.bearer } },
        );
        expect(notAdmin.json().errors[0].extensions.code).toBe('FORBIDDEN');

        // password change from another session of the same account
        const third = await account(backend.database, 'editor');
        const first = await login(url, third, '127.0.0.7');
        const second = await login(url, third, '127.0.0.7');
        const thirdCloses: number[] = [];
        const thirdSocket = wsWithHeaders(url, { cookie: first }, thirdCloses);
        expect((await once(thirdSocket, `{ isAuthenticated { username } }`)).data).toBeTruthy();
        const changed = await graphql(
          url,
          `
            mutation ($c: String!, $n: String!) {
              authChangePassword(currentPassword: $c, newPassword: $n)
            }
          `,
          { c: third.password, n: 'another long password' },
          { headers: { cookie: second, ...csrf }, from: '127.0.0.7' },
        );
        expect(changed.json().data?.authChangePassword, changed.text).toBe(true);
        await until(
          () => thirdCloses.length > 0,
          2000,
          'the socket closing after the password change',
        );
        expect(thirdCloses[0]).toBe(4401);
        await thirdSocket.dispose();
        const me = (cookieValue: string) =>
          graphql(
            url,
            `
              {
                isAuthenticated {
                  username
                }
              }
            `,
            {},
            { headers: { cookie: cookieValue, ...csrf } },
          );
        expect((await me(second)).json().data.isAuthenticated.username).toBe(third.username);
        expect((await me(first)).json().data.isAuthenticated).toBeNull();
      });

      it('a 257 MiB body is refused while it streams in, before authentication work, without memory growth', async () => {
        const budget = await healthBudgetMs(url);
        const health = watchHealth(url);
        const rssBefore = process.memoryUsage().rss;
        const total = 257 * 1024 * 1024;
        const json = await streamBody(url, {
          headers: { 'content-type': 'application/json' },
          totalBytes: total,
          prefix: '{"query":"{ graphs { uuid } }","variables":{"x":"',
        });
        expect(json.status).toBe(413);
        expect(JSON.parse(json.text).errors[0].extensions.code).toBe('INVALID_INPUT');
        expect(json.bytesWrittenBeforeAnswer).toBeLessThan(48 * 1024 * 1024);
        const boundary = '----edge';
        const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${boundary}` };
        const anonymousUpload = await streamBody(url, {
          headers: multipartHeaders,
          totalBytes: total,
        });
        expect(anonymousUpload.status).toBe(401);
        expect(JSON.parse(anonymousUpload.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(anonymousUpload.bytesWrittenBeforeAnswer).toBeLessThan(48 * 1024 * 1024);
        const prefix =
          `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
          JSON.stringify({
            query: `mutation($file: Upload!) { addAudioFile(newAudioFile: { file: $file, name: "x", description: "", fileName: "x.wav" }) { __typename } }`,
            variables: { file: null },
          }) +
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}` +
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="x.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
        const editorUpload = await streamBody(url, {
          headers: { ...multipartHeaders, authorization: editor.bearer },
          totalBytes: total,
          prefix,
        });
        expect(editorUpload.status).toBe(413);
        expect(JSON.parse(editorUpload.text).errors[0].extensions.code).toBe('INVALID_INPUT');
        expect(editorUpload.bytesWrittenBeforeAnswer).toBeLessThan(48 * 1024 * 1024);
        expect(process.memoryUsage().rss - rssBefore).toBeLessThan(120 * 1024 * 1024);
        const { slowestMs, failures } = await health.stop();
        expect(failures).toEqual([]);
        expect(slowestMs).toBeLessThan(budget);
        // nothing of the refused uploads stays on disk
        expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
      });

      it('the documented upload limit (GENCASTER_MAX_UPLOAD_MB=2) works end to end', async () => {
        const upload = (file: Buffer) =>
          fetch(`${url}/graphql`, {
            method: 'POST',
            body: uploadForm(file),
            headers: { authorization: editor.bearer },
          });
        const fits = await upload(wav(20)); // 1.9 MB
        const fitsBody = (await fits.json()) as {
          data?: { addAudioFile?: { __typename: string } };
        };
        expect(fitsBody.data?.addAudioFile?.__typename, JSON.stringify(fitsBody)).toBe('AudioFile');
        const tooBig = await upload(wav(23)).catch((error: unknown) => error);
        if (tooBig instanceof Response) {
          expect(tooBig.status).toBe(413);
          expect(
            ((await tooBig.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!
              .extensions.code,
          ).toBe('INVALID_INPUT');
        } else {
          // the server may close the connection before fetch finished sending: still refused
          expect(String(tooBig)).toMatch(/fetch failed|socket|closed/i);
        }
        expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
      });

      it('stream sessions: 100 sockets from one address over the cap are refused early, /health stays fast', async () => {
        const db = backend.database;
        const graph = await createGraph(db, { name: `sessions-${Date.now()}` });
        const entry = await getEntryNode(db, graph.uuid);
        await createScriptCells(db, [
          {
            nodeUuid: entry.uuid,
            cellType: 'javascript',
            cellCode: "await waitForVariable('never', 300);",
          },
        ]);
        const base = 30_000 + Math.floor(Math.random() * 20_000);
        await db.db
          .insertInto('streamPoint')
          .values(
            Array.from({ length: 8 }, (_, index) => ({
              host: '127.0.0.1',
              port: base + index,
              lastLive: new Date(Date.now() + 10 * 60_000),
              janusOutRoom: index + 1,
            })),
          )
          .execute();
        const wsUrl = `${url.replace('http', 'ws')}/graphql`;
        const listener = (from: string, headers: Record<string, string> = {}) => {
          class FromSocket extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { localAddress: from, headers });
            }
          }
          return createClient({
            url: wsUrl,
            webSocketImpl: FromSocket,
            retryAttempts: 0,
            lazy: true,
          });
        };
        const clients: Client[] = [];
        onTestFinished(async () => {
          for (const client of clients) await client.dispose();
        });
        // A loopback address of this attempt's own: a retry must not meet the sessions (and the
        // socket counter) an earlier attempt left on the shared backend.
        const from = `127.0.${10 + Math.floor(Math.random() * 240)}.${10 + Math.floor(Math.random() * 240)}`;
        const held: { client: Client; token: string; stream: string }[] = [];
        for (let index = 0; index < 5; index += 1) {
          const client = listener(from);
          clients.push(client);
          const info = await new Promise<{ listenerToken: string; stream: { uuid: string } }>(
            (resolveInfo, reject) => {
              client.subscribe(
                { query: streamInfoQuery, variables: { g: graph.uuid } },
                {
                  next: (value) => {
                    const event = (
                      value.data as {
                        streamInfo?: {
                          __typename: string;
                          listenerToken: string;
                          stream: { uuid: string };
                        };
                      }
                    )?.streamInfo;
                    if (event?.__typename === 'StreamInfo') resolveInfo(event);
                    else reject(new Error(JSON.stringify(value)));
                  },
                  error: reject,
                  complete: () => undefined,
                },
              );
            },
          );
          held.push({ client, token: info.listenerToken, stream: info.stream.uuid });
        }

        // The 100 attackers run in another process, started before the measurement: their client
        // work must not slow this one, where the backend under test runs.
        const attack = startFlood('./testing/ws-flood.mjs', {
          wsUrl,
          localAddress: from,
          count: 100,
          query: streamInfoQuery,
          variables: { g: graph.uuid },
        });
        await attack.ready;
        const budget = await healthBudgetMs(url);
        const health = watchHealth(url);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const flood = (await attack.go()) as { outcomes: string[]; ms: number };
        const rateLimited = flood.outcomes.filter((code) => code === 'RATE_LIMITED').length;
        const refusedAtUpgrade = flood.outcomes.filter(
          (code) => code === 'UPGRADE_429:RATE_LIMITED',
        ).length;
        expect(rateLimited + refusedAtUpgrade, flood.outcomes.join(',')).toBe(100);
        expect(rateLimited).toBeGreaterThan(0);
        expect(flood.ms).toBeLessThan(15_000);
        const { slowestMs, failures } = await health.stop();
        expect(failures).toEqual([]);
        // Before the early refusal, 100 sockets over the cap stalled /health for seconds; on the shared
        // 2-core CI machine a quiet-looking run still saw a 135 ms spike, so the bound leaves room.
        expect(slowestMs).toBeLessThan(budget + 400);
        // an upgrade over the socket cap is refused with a typed body before the handshake
        const upgrade = await new Promise<{ status: number; body: string }>((resolveUpgrade) => {
          const sockets: WebSocket[] = [];
          const openOne = () => {
            const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { localAddress: from });
            sockets.push(socket);
            socket.on('unexpected-response', (_request, response) => {
              let body = '';
              response.on('data', (chunk: Buffer) => (body += chunk.toString()));
              response.on('end', () => {
                for (const s of sockets) s.terminate();
                resolveUpgrade({ status: response.statusCode ?? 0, body });
              });
            });
            socket.on('open', openOne);
            socket.on('error', () => undefined);
          };
          openOne();
        });
        expect(upgrade.status).toBe(429);
        expect(JSON.parse(upgrade.body).errors[0].extensions.code).toBe('RATE_LIMITED');

        // legitimate use: a listener at another address gets a stream and writes its variables
        const other = listener('127.0.0.2', { 'x-forwarded-for': '203.0.113.50' });
        clients.push(other);
        const info = (await once(other, streamInfoQuery, { g: graph.uuid })).data?.streamInfo as {
          __typename: string;
        };
        expect(info.__typename).toBe('StreamInfo');
        const [first] = held;
        const ok = await graphql(url, writeVariable, {
          t: first!.token,
          v: [{ streamUuid: first!.stream, key: 'answer', value: 'yes' }],
        });
        expect(ok.json().data.createUpdateStreamVariable).toEqual([
          { key: 'answer', value: 'yes' },
        ]);

        // limits on variable writes hold before any database work
        const huge = await graphql(url, writeVariable, {
          t: first!.token,
          v: [{ streamUuid: first!.stream, key: 'big', value: 'x'.repeat(20 * 1024 * 1024) }],
        });
        expect(huge.status).toBe(413);
        const oversized = await graphql(url, writeVariable, {
          t: first!.token,
          v: [{ streamUuid: first!.stream, key: 'big', value: 'x'.repeat(20_000) }],
        });
        expect(oversized.json().errors[0].extensions.code).toBe('INVALID_INPUT');
        expect(oversized.json().errors[0].extensions.details.maxValueChars).toBe(16_384);
        const longKey = await graphql(url, writeVariable, {
          t: first!.token,
          v: [{ streamUuid: first!.stream, key: 'k'.repeat(300), value: '1' }],
        });
        expect(longKey.json().errors[0].extensions.code).toBe('INVALID_INPUT');
        const stored = await db.db
          .selectFrom('streamVariable')
          .select('key')
          .where('streamUuid', '=', first!.stream)
          .execute();
        expect(stored.map((row) => row.key)).toEqual(['answer']);
        const burst = await Promise.all(
          Array.from({ length: 150 }, (_, index) =>
            graphql(url, writeVariable, {
              t: first!.token,
              v: [{ streamUuid: first!.stream, key: 'slider', value: String(index) }],
            }),
          ),
        );
        const codes = burst.map((answer) => answer.json().errors?.[0]?.extensions?.code ?? 'OK');
        expect(codes.filter((code) => code === 'OK').length).toBeGreaterThan(5);
        expect(codes.filter((code) => code === 'RATE_LIMITED').length).toBeGreaterThan(0);
        expect(codes.every((code) => code === 'OK' || code === 'RATE_LIMITED')).toBe(true);

        // a session that never started listening gives its point back after 5 s, not 30 s
        const last = held.at(-1)!;
        const dropped = Date.now();
        await last.client.dispose();
        await until(
          async () => {
            const row = await db.db
              .selectFrom('streamListener')
              .select('listenerId')
              .where('streamUuid', '=', last.stream)
              .execute();
            return row.length === 0;
          },
          15_000,
          'the unstarted session leaving its stream',
        );
        expect(Date.now() - dropped).toBeLessThan(12_000);
      });

      it('a 500 answer carries a code and a safe message, never exception text', async () => {
        // Last test: the database goes away under the running backend.
        await backend.database.close();
        const health = await send(url, { path: '/health' });
        expect(health.status).toBe(500);
        expect(health.json()).toEqual({
          errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } }],
        });
        const api = await graphql(
          url,
          `
            {
              graphs {
                uuid
              }
            }
          `,
        );
        const body = api.json();
        expect(['INTERNAL', 'UNAVAILABLE']).toContain(body.errors[0].extensions.code);
        expect(api.text).not.toMatch(/PGlite|pool|closed|Error:|at .*\.ts/);
      });
    },
  );
}
