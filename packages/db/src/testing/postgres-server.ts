import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian installs the PostgreSQL 15 server binaries (override: GENCASTER_PG_BIN). */
export const postgresBinDir = process.env.GENCASTER_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL cluster; `stop()` shuts it down and removes its directory. */
export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  url: string;
  port: number;
  dataDir: string;
  /** `pg_ctl stop -m immediate`: a crash as far as clients can tell (fault tests). */
  crash(): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why a throwaway server cannot be started here, or undefined when it can. */
export function postgresUnavailableReason(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(postgresBinDir, tool))) {
      return `${join(postgresBinDir, tool)} is missing (install the Debian package postgresql-15)`;
    }
  }
  return undefined;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs a server binary; as root through `su postgres` (initdb refuses to run as root). */
function commandLine(asPostgres: boolean, tool: string, args: string[]): [string, string[]] {
  const binary = join(postgresBinDir, tool);
  if (!asPostgres) return [binary, args];
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [binary, ...args].map(quote).join(' ')]];
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL cluster in a fresh temp directory on a free port, with fsync off (test data
 * only). Takes about a second. Throws with the server log when it cannot start.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(reason);
  const asPostgres = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'gencaster-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dir, uid, gid);
  }
  const exec = (tool: string, args: string[]) => {
    const [file, argv] = commandLine(asPostgres, tool, args);
    return run(file, argv, { timeout: 60_000 });
  };
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const start = (port: number) => {
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    return exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await start(port);
    } catch (error) {
      lastError = error;
      continue;
    }
    let stopped = false;
    const stopSync = () => {
      if (stopped) return;
      stopped = true;
      const [file, argv] = commandLine(asPostgres, 'pg_ctl', [
        '-D',
        dataDir,
        '-m',
        'immediate',
        'stop',
      ]);
      try {
        execFileSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // already gone
      }
    };
    process.once('exit', stopSync);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      async crash() {
        await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      },
      async restart() {
        await start(port);
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
  const log = await readFile(logFile, 'utf8').catch(() => '');
  await rm(dir, { recursive: true, force: true });
  throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${log.slice(-2000)}`);
}
