import { join } from 'node:path';
import { GencasterError, isGencasterError } from '@gencaster/domain';
import type { Database } from '@gencaster/db';
import type { BackendConfig } from '../config.ts';
import {
  dataDirInUseError,
  describeLockHolder,
  readDataDirLockHolder,
  type DataDirLockHolder,
} from '../data-dir-lock.ts';
import type { AdminOperation, AdminParams, AdminResult } from './admin-operations.ts';
import { adminSocketPath } from './admin-protocol.ts';
import { AdminSocketNotListening, callAdminSocket } from './admin-socket-client.ts';

/** Options of {@link runAdminCommand}. */
export interface RunAdminCommandOptions {
  /** How long to wait for a holder's socket to answer or its lock to go (default 15 s). */
  waitMs?: number;
}

function isLockConflict(error: unknown): boolean {
  return isGencasterError(error, 'CONFLICT') && typeof error.details?.pid === 'number';
}

// The database and the operations load only when this process opens the database itself: a
// command answered by the running backend needs none of it and starts in a fraction of the time.
async function openDirect(config: BackendConfig, operation: string): Promise<Database> {
  const { openBackendDatabase } = await import('../open-backend-database.ts');
  return openBackendDatabase(config, { purpose: `gencaster ${operation} (CLI)` });
}

async function runHere(
  database: Database,
  mediaRoot: string,
  operation: AdminOperation,
  params: unknown,
): Promise<AdminResult> {
  const { runAdminOperation } = await import('./admin-operations.ts');
  return runAdminOperation({ database, mediaRoot }, operation, params);
}

/**
 * Runs one CLI operation where the data lives: with DATABASE_URL on PostgreSQL directly; on the
 * embedded database through the admin socket of the process holding its lock (a running
 * `gencaster start`), and only when nobody holds it by opening it here (taking the lock for the
 * command's duration). Either way the result is the same, so the CLI prints the same lines and
 * exits with the same code.
 */
export async function runAdminCommand<Op extends AdminOperation>(
  config: BackendConfig,
  operation: Op,
  params: AdminParams<Op>,
  options: RunAdminCommandOptions = {},
): Promise<AdminResult> {
  const mediaRoot = join(config.dataDir, 'media');
  const local = async () => {
    const database = await openDirect(config, operation);
    try {
      return await runHere(database, mediaRoot, operation, params);
    } finally {
      await database.close();
    }
  };
  if (config.databaseUrl) return local();

  const deadline = Date.now() + (options.waitMs ?? 15_000);
  for (;;) {
    const holder = readDataDirLockHolder(config.dataDir);
    if (holder === undefined) {
      let database: Database;
      try {
        database = await openDirect(config, operation);
      } catch (error) {
        if (!isLockConflict(error) || Date.now() > deadline) throw error;
        continue; // someone took the lock between our look and our open: ask them instead
      }
      try {
        return await runHere(database, mediaRoot, operation, params);
      } finally {
        await database.close();
      }
    }
    try {
      return await callAdminSocket({
        path: adminSocketPath(config.dataDir),
        operation,
        params,
        serverName: `the backend holding the data dir, ${describeLockHolder(holder)}`,
      });
    } catch (error) {
      if (!(error instanceof AdminSocketNotListening)) throw error;
    }
    // The holder is starting up, or is another CLI command that opened the database itself.
    if (Date.now() > deadline) throw unanswered(config, holder);
    await new Promise((done) => setTimeout(done, 200));
  }
}

function unanswered(config: BackendConfig, holder: DataDirLockHolder): GencasterError {
  const refusal = dataDirInUseError(config.dataDir, holder);
  return new GencasterError(
    'UNAVAILABLE',
    `${refusal.message} Its admin socket ${adminSocketPath(config.dataDir)} did not answer: if it is a gencaster start, check its log; otherwise retry when it has finished`,
    { details: refusal.details },
  );
}

/**
 * `gencaster migrate` on the embedded database while another process holds it is refused: a
 * running backend migrated at its own start, and a second opener would corrupt the files.
 */
export function refuseMigrateWhileHeld(config: BackendConfig): void {
  if (config.databaseUrl) return;
  const holder = readDataDirLockHolder(config.dataDir);
  if (holder)
    throw new GencasterError(
      'CONFLICT',
      `cannot migrate ${config.dataDir} while ${describeLockHolder(holder)} holds it: a running backend applies migrations at its start; stop it first (Ctrl+C or kill ${holder.pid}) and run gencaster migrate again`,
      { details: { pid: holder.pid } },
    );
}
