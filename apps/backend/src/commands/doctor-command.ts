// `gencaster doctor`: checks the machine and the configuration, and says what to do about each problem.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect as connectTcp, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { openDatabase, pingDatabase } from '@gencaster/db';
import type { Command } from 'commander';
import { loadConfig, type BackendConfig } from '../config.ts';
import { acquireDataDirLock, describeLockHolder, readDataDirLockHolder } from '../data-dir-lock.ts';
import { readFleetStatusIfAny, soundRunDir } from './sound-commands.ts';
import type { DoctorCheck } from './doctor-check.ts';
import { checkSandboxBox } from './sandbox-doctor-check.ts';
import { checkOscSecurity } from './osc-doctor-check.ts';

/** Options of {@link runDoctor} (tests point them elsewhere). */
export interface DoctorOptions {
  /** List of Debian packages, one a line, `#` comments (default scripts/debian-packages.txt). */
  packagesFile?: string;
  /** Per-check deadline for network probes and programs, ms (default 5000). */
  timeoutMs?: number;
}

const repoRoot = resolve(import.meta.dirname, '../../../..');
const PROGRAMS: ReadonlyArray<[command: string, args: string[], pkg: string]> = [
  ['jackd', ['--version'], 'jackd2'],
  ['sclang', ['-v'], 'supercollider-language'],
  ['scsynth', ['-v'], 'supercollider-server'],
  ['gst-launch-1.0', ['--version'], 'gstreamer1.0-tools'],
  ['janus', ['-h'], 'janus'],
];

function run(command: string, args: string[], timeoutMs: number) {
  return new Promise<{ code: number | string; output: string }>((done) => {
    const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };
    execFile(command, args, { timeout: timeoutMs, env }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (!error) done({ code: 0, output });
      else done({ code: typeof error.code === 'string' ? error.code : (error.code ?? -1), output });
    });
  });
}

async function checkPackages(file: string, timeoutMs: number): Promise<DoctorCheck> {
  const wanted = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const query = await run(
    'dpkg-query',
    ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', ...wanted],
    timeoutMs,
  );
  if (query.code === 'ENOENT')
    return {
      name: 'debian packages',
      status: 'skip',
      detail: 'dpkg-query not found (not Debian?)',
    };
  const installed = new Set(
    query.output.split('\n').flatMap((line) => {
      const [name, state] = line.trim().split(/\s+/);
      return name && state?.startsWith('ii') ? [name.replace(/:.*/, '')] : [];
    }),
  );
  const missing = wanted.filter((name) => !installed.has(name));
  if (missing.length === 0)
    return { name: 'debian packages', status: 'ok', detail: `${wanted.length} installed` };
  return {
    name: 'debian packages',
    status: 'fail',
    detail: `missing: ${missing.join(' ')}`,
    advice: `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
  };
}

/** The running backend's /health on the configured address, if one answers. */
async function runningBackend(config: BackendConfig, timeoutMs: number) {
  if (config.port === 0) return undefined;
  const host =
    config.host === '0.0.0.0'
      ? '127.0.0.1'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  try {
    const response = await fetch(`http://${host}:${config.port}/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { oscPort?: unknown; database?: unknown };
    return typeof body.oscPort === 'number' ? body : undefined;
  } catch {
    return undefined;
  }
}

function portFree(kind: 'tcp' | 'udp', host: string, port: number): Promise<string | undefined> {
  return new Promise((done) => {
    if (kind === 'tcp') {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      server.listen(port, host, () => server.close(() => done(undefined)));
    } else {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.close();
        done(error.code ?? error.message);
      });
      socket.bind(port, host, () => socket.close(() => done(undefined)));
    }
  });
}

async function checkPorts(
  config: BackendConfig,
  ours: { oscPort?: unknown } | undefined,
): Promise<DoctorCheck[]> {
  const ports = [
    {
      kind: 'tcp' as const,
      host: config.host,
      port: config.port,
      env: 'GENCASTER_PORT',
      what: 'HTTP',
    },
    {
      kind: 'udp' as const,
      host: config.osc.host,
      port: config.osc.port,
      env: 'GENCASTER_OSC_PORT',
      what: 'OSC',
    },
  ];
  return Promise.all(
    ports.map(async ({ kind, host, port, env, what }): Promise<DoctorCheck> => {
      const name = `${what} port ${kind}/${host}:${port}`;
      if (port === 0) return { name, status: 'skip', detail: 'port 0: any free port is taken' };
      const problem = await portFree(kind, host, port);
      if (!problem) return { name, status: 'ok', detail: 'free' };
      const usedByUs = ours !== undefined && (kind === 'tcp' || ours.oscPort === port);
      if (problem === 'EADDRINUSE' && usedByUs)
        return { name, status: 'ok', detail: 'in use by the running gencaster backend' };
      return {
        name,
        status: 'fail',
        detail: problem === 'EADDRINUSE' ? 'in use by another program' : `cannot bind: ${problem}`,
        advice: `find the owner with: ss -lnp${kind === 'tcp' ? 't' : 'u'} 'sport = :${port}'; or choose another port: ${env}=<port>`,
      };
    }),
  );
}

async function checkJanus(config: BackendConfig, timeoutMs: number): Promise<DoctorCheck> {
  const status = readFleetStatusIfAny(soundRunDir(config));
  if (!status || status.state === 'stopped')
    return {
      name: 'janus server',
      status: 'skip',
      detail: 'no sound fleet running in this data dir',
    };
  if (status.stale)
    return {
      name: 'janus server',
      status: 'fail',
      detail: `the sound launcher (pid ${status.pid}) stopped updating ${join(soundRunDir(config), 'status.json')}`,
      advice: 'restart the stream points: gencaster start (or gencaster sound --points 2)',
    };
  try {
    const response = await fetch(`${status.janus.url}/info`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { janus?: string; version_string?: string };
    if (body.janus !== 'server_info')
      throw new Error(`unexpected answer ${JSON.stringify(body).slice(0, 100)}`);
    return {
      name: 'janus server',
      status: 'ok',
      detail: `${status.janus.url} answers (${body.version_string ?? '?'})`,
    };
  } catch (error) {
    return {
      name: 'janus server',
      status: 'fail',
      detail: `${status.janus.url} unreachable: ${error instanceof Error ? error.message : String(error)}`,
      advice: 'see gencaster sound status; restart the fleet (gencaster sound --points 2)',
    };
  }
}

async function checkProgram(
  [command, args, pkg]: (typeof PROGRAMS)[number],
  timeoutMs: number,
): Promise<DoctorCheck> {
  const result = await run(command, args, timeoutMs);
  if (result.code === 0)
    return { name: command, status: 'ok', detail: result.output.split('\n')[0] ?? '' };
  const advice = `apt-get install -y --no-install-recommends ${pkg}`;
  if (result.code === 'ENOENT')
    return { name: command, status: 'fail', detail: 'not found on PATH', advice };
  return {
    name: command,
    status: 'fail',
    detail: `${command} ${args.join(' ')} failed (${result.code}): ${result.output.slice(0, 200)}`,
    advice: `reinstall: ${advice} --reinstall`,
  };
}

async function checkDatabase(
  config: BackendConfig,
  backend: unknown,
  timeoutMs: number,
): Promise<DoctorCheck> {
  if (!config.databaseUrl) {
    const dir = join(config.dataDir, 'db');
    if (backend)
      return {
        name: 'database',
        status: 'ok',
        detail: `PGlite ${dir} in use by the running backend`,
      };
    // Never open the embedded database beside its holder (PGlite takes no lock of its own).
    const holder = readDataDirLockHolder(config.dataDir);
    if (holder)
      return {
        name: 'database',
        status: 'ok',
        detail: `PGlite ${dir} in use by ${describeLockHolder(holder)}`,
      };
    if (!existsSync(dir))
      return {
        name: 'database',
        status: 'ok',
        detail: `PGlite ${dir} will be created at the first start`,
      };
  }
  const target = config.databaseUrl
    ? redact(config.databaseUrl)
    : `PGlite ${join(config.dataDir, 'db')}`;
  let timer: NodeJS.Timeout | undefined;
  // The probe holds the data dir lock while it has the embedded database open.
  const lock = config.databaseUrl
    ? undefined
    : await acquireDataDirLock({ dataDir: config.dataDir, command: 'gencaster doctor' }).catch(
        () => undefined,
      );
  try {
    if (!config.databaseUrl && !lock)
      throw new Error(
        'another process took the data dir lock meanwhile; run gencaster doctor again',
      );
    const database = await openDatabase(
      config.databaseUrl
        ? { url: config.databaseUrl, poolSize: 1 }
        : { dataDir: join(config.dataDir, 'db') },
    );
    try {
      const probe = pingDatabase(database);
      const deadline = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([probe, deadline]);
    } finally {
      // a connection attempt that hangs must not hang the doctor
      await Promise.race([database.close(), new Promise((done) => setTimeout(done, 1000).unref())]);
    }
    return { name: 'database', status: 'ok', detail: `${target} answers` };
  } catch (error) {
    return {
      name: 'database',
      status: 'fail',
      detail: `${target}: ${error instanceof Error ? error.message : String(error)}`,
      advice: config.databaseUrl
        ? 'start PostgreSQL (e.g. pg_ctlcluster 15 main start) and check DATABASE_URL (postgres://user:password@host:port/db), or unset DATABASE_URL to use the embedded PGlite database'
        : `the embedded database in ${join(config.dataDir, 'db')} cannot be opened: stop other processes using it, or set GENCASTER_DATA_DIR to another directory`,
    };
  } finally {
    clearTimeout(timer);
    await lock?.release();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Sends `PING` (after `AUTH` when the URL has a password) and expects `+PONG`. */
async function checkRedis(url: string | undefined, timeoutMs: number): Promise<DoctorCheck> {
  if (!url) return { name: 'redis', status: 'skip', detail: 'REDIS_URL not set (single backend)' };
  const parsed = new URL(url);
  const port = Number(parsed.port || 6379);
  const commands: string[][] = [];
  if (parsed.password)
    commands.push([
      'AUTH',
      ...(parsed.username ? [decodeURIComponent(parsed.username)] : []),
      decodeURIComponent(parsed.password),
    ]);
  commands.push(['PING']);
  const wire = commands
    .map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
    .join('');
  const answer = await new Promise<string>((done) => {
    const socket: Socket =
      parsed.protocol === 'rediss:'
        ? connectTls({ host: parsed.hostname, port, servername: parsed.hostname })
        : connectTcp({ host: parsed.hostname, port });
    let received = '';
    const finish = (text: string) => {
      socket.destroy();
      done(text);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error) => finish(error.message));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () =>
      socket.write(wire),
    );
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8');
      if (received.includes('+PONG') || received.startsWith('-')) finish(received.trim());
    });
  });
  if (answer.endsWith('+PONG'))
    return { name: 'redis', status: 'ok', detail: `${redact(url)} answers PONG` };
  return {
    name: 'redis',
    status: 'fail',
    detail: `${redact(url)}: ${answer.slice(0, 200)}`,
    advice:
      'start Redis (e.g. redis-server --daemonize yes) and check REDIS_URL (redis://[:password@]host:port), or unset REDIS_URL for a single backend',
  };
}

/**
 * Runs every check against the configuration (environment) and this machine: Debian packages,
 * ports, Janus of a running fleet, sound programs, database and Redis. Never throws for a failed
 * check: each failure comes back with advice.
 *
 * @example
 * const checks = await runDoctor(loadConfig());
 * process.exitCode = checks.some((c) => c.status === 'fail') ? 1 : 0;
 */
export async function runDoctor(
  config: BackendConfig,
  options: DoctorOptions = {},
): Promise<DoctorCheck[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const backend = await runningBackend(config, timeoutMs);
  const results = await Promise.all([
    checkPackages(options.packagesFile ?? join(repoRoot, 'scripts/debian-packages.txt'), timeoutMs),
    checkPorts(config, backend),
    checkJanus(config, timeoutMs),
    Promise.all(PROGRAMS.map((program) => checkProgram(program, timeoutMs * 2))),
    checkDatabase(config, backend, timeoutMs),
    checkRedis(config.redisUrl, timeoutMs),
    checkSandboxBox(config),
    Promise.resolve(checkOscSecurity(config)),
  ]);
  return results.flat();
}

/** One line per check (`ok`, `FAIL`, `skip`), each failure followed by `  → advice`. */
export function formatDoctorReport(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' }[c.status];
      const line = `${mark}  ${c.name.padEnd(width)}  ${c.detail}`;
      return c.advice ? `${line}\n      → ${c.advice}` : line;
    })
    .join('\n');
}

/** `gencaster doctor`: prints the checks; exit code 1 when any failed (or the configuration is invalid). */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check packages, ports, Janus, sound programs, database and Redis; say how to fix problems',
    )
    .action(async () => {
      let config: BackendConfig;
      try {
        config = loadConfig();
      } catch (error) {
        console.log(
          formatDoctorReport([
            {
              name: 'configuration',
              status: 'fail',
              detail: error instanceof Error ? error.message : String(error),
              advice: 'fix the environment variables named above',
            },
          ]),
        );
        process.exitCode = 1;
        return;
      }
      const checks = await runDoctor(config);
      console.log(formatDoctorReport(checks));
      const failed = checks.filter((c) => c.status === 'fail').length;
      console.log(failed === 0 ? '\nall checks passed' : `\n${failed} check(s) failed`);
      process.exitCode = failed === 0 ? 0 : 1;
    });
}
