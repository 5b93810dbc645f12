import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeTcpPort } from './free-port.ts';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries (override with GENCASTER_PG_BIN). */
export const postgresBin = process.env.GENCASTER_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL server in a temp dir on 127.0.0.1 (trust auth, test data only). */
export interface LocalPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dataDir: string;
  /** `pg_ctl stop -m immediate`: a crash as far as clients can tell (fault tests). */
  crash(): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Why a local PostgreSQL cannot start here, or undefined. */
export function localPostgresUnavailable(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl'])
    if (!existsSync(join(postgresBin, tool)))
      return `${join(postgresBin, tool)} is missing (Debian package postgresql-15)`;
  return undefined;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts PostgreSQL 15 with initdb in a fresh temp dir on a free port (as the `postgres` user when
 * running as root, because initdb refuses root). fsync is off: for tests and local clusters only.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const reason = localPostgresUnavailable();
  if (reason) throw new Error(reason);
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'gencaster-cluster-pg-'));
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    await chown(dir, id('-u'), id('-g'));
  }
  const argv = (tool: string, args: string[]): [string, string[]] => {
    const binary = join(postgresBin, tool);
    if (!asRoot) return [binary, args];
    return ['su', ['postgres', '-s', '/bin/sh', '-c', [binary, ...args].map(quote).join(' ')]];
  };
  const exec = (tool: string, args: string[]) => run(...argv(tool, args), { timeout: 60_000 });
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  let port = 0;
  const start = () =>
    exec('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    port = await freeTcpPort();
    try {
      await start();
    } catch (error) {
      lastError = error;
      port = 0;
    }
  }
  if (port === 0) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${log.slice(-2000)}`);
  }
  const stopSync = () => {
    try {
      execFileSync(...argv('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']), {
        stdio: 'ignore',
        timeout: 10_000,
      });
    } catch {
      // not running
    }
  };
  process.once('exit', stopSync);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async crash() {
      await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    async restart() {
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
