// Test support: the real `gencaster` CLI as child processes (a serving `gencaster start`, and the
// one-shot commands beside it), plus a small GraphQL client for the clients that write meanwhile.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@gencaster/db/testing';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const tsx = resolve(repoRoot, 'node_modules/.bin/tsx');
const cli = resolve(repoRoot, 'apps/backend/src/cli.ts');

// The test decides the engine: the calling shell's database and Redis never leak in.
const {
  DATABASE_URL: _db,
  REDIS_URL: _redis,
  GENCASTER_ADMIN_USER: _u,
  GENCASTER_ADMIN_PASSWORD: _p,
  GENCASTER_PASSWORD: _pw,
  ...baseEnv
} = process.env;

/** Where a child backend keeps its data and which database it uses. */
export interface BackendTarget {
  dataDir: string;
  /** postgres://… for the PostgreSQL engine; absent for the embedded PGlite. */
  databaseUrl?: string;
}

function envFor(target: BackendTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...baseEnv,
    GENCASTER_DATA_DIR: target.dataDir,
    GENCASTER_SOUND_POINTS: '0',
    LOG_LEVEL: 'warn',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...extra,
  };
}

/** What a one-shot CLI run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gencaster <args>` to its end (never throws for a non-zero exit). */
export function runCli(
  target: BackendTarget,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      tsx,
      [cli, ...args],
      { env: envFor(target, extraEnv), cwd: repoRoot, timeout: 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A `gencaster start` child process. */
export interface BackendProcess {
  url: string;
  /** Pid of the node process running cli.ts (the lock holder). */
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGINT (a normal stop), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `gencaster start` (no sound points, free ports) and waits for its "is running" line.
 * tsx runs the CLI in the same process here (`node --import tsx`), so the child's pid is the pid
 * that holds the data dir lock.
 */
export async function startBackendProcess(
  target: BackendTarget,
  extraEnv: Record<string, string> = {},
): Promise<BackendProcess> {
  const port = await freePort();
  const oscPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'start'], {
    cwd: repoRoot,
    env: envFor(target, {
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_PORT: String(port),
      GENCASTER_OSC_PORT: String(oscPort),
      ...extraEnv,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Gencaster is running')) {
    if (hasExited) throw new Error(`gencaster start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gencaster start did not come up within 120 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    child,
    output: () => output,
    exited,
    async kill9() {
      if (!hasExited) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!hasExited) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The answer of one GraphQL request. */
export interface GraphqlAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  setCookie: string | null;
}

/** Posts one GraphQL operation; `auth` is a bearer token or a `cookie` header value. */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  auth: { token?: string; cookie?: string } = {},
): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // what the editor sends: cookie-authenticated mutations need it (CSRF)
      'x-gencaster-csrf': '1',
      ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphqlAnswer<T>, 'status' | 'setCookie'>;
  return { status: response.status, ...body, setCookie: response.headers.get('set-cookie') };
}

/** Logs in like the editor; resolves to the session cookie, or undefined when refused. */
export async function login(
  url: string,
  username: string,
  password: string,
): Promise<string | undefined> {
  const answer = await graphql<{ authLogin: { __typename: string } }>(
    url,
    'mutation ($u: String!, $p: String!) { authLogin(username: $u, password: $p) { __typename } }',
    { u: username, p: password },
  );
  if (answer.data?.authLogin.__typename !== 'User') return undefined;
  return answer.setCookie?.split(';')[0];
}

/** Who a token or cookie belongs to (null: not authenticated). */
export async function whoAmI(
  url: string,
  auth: { token?: string; cookie?: string },
): Promise<string | null> {
  const answer = await graphql<{ isAuthenticated: { username: string } | null }>(
    url,
    '{ isAuthenticated { username } }',
    {},
    auth,
  );
  return answer.data?.isAuthenticated?.username ?? null;
}
