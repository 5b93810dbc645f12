import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GencasterError } from '@gencaster/domain';
import {
  currentProcessIdentity,
  isProcessAlive,
  processCommandLine,
  type ProcessIdentity,
} from './process-identity.ts';

/** File name of the lock in the data dir (beside the PGlite directory `db/`). */
export const DATA_DIR_LOCK_FILE = 'db.lock';

/** What a lock file says about the process that holds the embedded database. */
export interface DataDirLockHolder extends ProcessIdentity {
  /** ISO time the lock was taken. */
  since: string;
  /** Command line of the holder, e.g. `node … cli.ts start`. */
  command: string;
  /** Random per-acquisition id: tells our own lock from one that replaced it. */
  nonce: string;
}

/** A held lock; `release()` (or `await using`) removes the file if it is still ours. */
export interface DataDirLock extends AsyncDisposable {
  path: string;
  holder: DataDirLockHolder;
  release(): Promise<void>;
}

/** Options of {@link acquireDataDirLock}. */
export interface AcquireDataDirLockOptions {
  /** The data dir (`GENCASTER_DATA_DIR`); created 0700 when missing. */
  dataDir: string;
  /** What the holder does, shown to a second opener (default: this process's command line). */
  command?: string;
}

/** How long a lock file may stay unreadable before it counts as the leftover of a crash. */
const HALF_WRITTEN_GRACE_MS = 5_000;

function lockPath(dataDir: string): string {
  return join(dataDir, DATA_DIR_LOCK_FILE);
}

function parseHolder(text: string): DataDirLockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<DataDirLockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.startTime === 'string' &&
      typeof value.since === 'string' &&
      typeof value.command === 'string' &&
      typeof value.nonce === 'string'
    )
      return value as DataDirLockHolder;
  } catch {
    // not JSON: a half-written or foreign file
  }
  return undefined;
}

type LockFileState =
  | { kind: 'missing' }
  | { kind: 'live'; holder: DataDirLockHolder }
  | { kind: 'stale'; text: string; holder?: DataDirLockHolder }
  | { kind: 'unreadable' };

function inspect(path: string): LockFileState {
  let text: string;
  let ageMs: number;
  try {
    text = readFileSync(path, 'utf8');
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  const holder = parseHolder(text);
  if (holder)
    return isProcessAlive(holder) ? { kind: 'live', holder } : { kind: 'stale', text, holder };
  // A process that died between creating and writing the file leaves it empty or partial.
  return ageMs > HALF_WRITTEN_GRACE_MS ? { kind: 'stale', text } : { kind: 'unreadable' };
}

/**
 * The live process holding the data dir's database, or undefined when none does (no lock file, or
 * one left by a dead process or by a pid now reused by another process).
 */
export function readDataDirLockHolder(dataDir: string): DataDirLockHolder | undefined {
  const state = inspect(lockPath(dataDir));
  return state.kind === 'live' ? state.holder : undefined;
}

/** The one-line description of a holder used in refusals: pid, since when, command. */
export function describeLockHolder(holder: DataDirLockHolder): string {
  return `pid ${holder.pid} (since ${holder.since}: ${holder.command || 'unknown command'})`;
}

/** The refusal a second opener gets: names the holder and says what to do. */
export function dataDirInUseError(dataDir: string, holder: DataDirLockHolder): GencasterError {
  return new GencasterError(
    'CONFLICT',
    `the embedded database in ${dataDir} is in use by ${describeLockHolder(holder)}. ` +
      'Only one process may open it: stop that process first, or run gencaster commands ' +
      '(user, token, graph) while it runs; they go through its admin socket.',
    { details: { pid: holder.pid, since: holder.since, command: holder.command } },
  );
}

function createExclusive(path: string, holder: DataDirLockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves a stale lock out of the way. The file is renamed first and checked afterwards, so when two
 * starters race for the same stale lock and one has already replaced it with a fresh one, the
 * other puts that fresh lock back instead of deleting it.
 */
function removeStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // someone created a new lock meanwhile; theirs stands
    }
  }
  unlinkSync(aside);
}

/**
 * Takes the exclusive lock on the embedded database of `dataDir`: a file `db.lock` created with
 * O_EXCL that holds pid, process start time, since and command. A lock left by a dead process (or
 * by a pid now used by another process, told apart by its start time) is taken over; a live one
 * never is: then this throws CONFLICT naming the holder. PGlite itself takes no lock and two
 * processes on one data dir corrupt it, so every opener of the embedded database goes through here.
 *
 * @example
 * await using lock = await acquireDataDirLock({ dataDir: config.dataDir });
 */
export async function acquireDataDirLock(options: AcquireDataDirLockOptions): Promise<DataDirLock> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(options.dataDir);
  const holder: DataDirLockHolder = {
    ...currentProcessIdentity(),
    since: new Date().toISOString(),
    command: options.command ?? processCommandLine(process.pid),
    nonce: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; ; attempt += 1) {
    if (createExclusive(path, holder)) break;
    const state = inspect(path);
    if (state.kind === 'live') throw dataDirInUseError(options.dataDir, state.holder);
    if (attempt >= 20)
      throw new GencasterError(
        'CONFLICT',
        `could not take the lock ${path}: another process keeps creating it; retry, or remove the file if no gencaster process runs`,
      );
    if (state.kind === 'stale') removeStale(path, state.text);
    if (state.kind === 'unreadable') await new Promise((done) => setTimeout(done, 250));
  }

  const ours = () => parseHolder(safeRead(path))?.nonce === holder.nonce;
  const removeIfOurs = () => {
    try {
      if (ours()) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  // A normal exit (process.exit after a signal included) leaves no lock behind; kill -9 does,
  // and the next start takes that stale lock over.
  process.once('exit', removeIfOurs);
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      process.removeListener('exit', removeIfOurs);
      removeIfOurs();
    }
    return Promise.resolve();
  };
  return { path, holder, release, [Symbol.asyncDispose]: release };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
