import { lstat, readdir, chmod } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** What {@link secureDataDir} found and changed. */
export interface DataDirReport {
  /** Files and directories checked. */
  checked: number;
  /** Paths (relative to the data dir) whose mode was tightened, at most 20 listed. */
  fixed: string[];
  /** How many were tightened in all. */
  fixedCount: number;
}

/** Options of {@link secureDataDir}. */
export interface SecureDataDirOptions {
  dataDir: string;
  /**
   * Sub-directories (relative) whose owner manages their modes, e.g. the sound fleet's run dir,
   * where the unprivileged sound user is granted group access: left as they are.
   */
  skip?: string[];
}

/**
 * The mode an entry should have: owner bits (and setuid/setgid/sticky) only. The data dir itself
 * keeps group search when that is all its group has (0710, set up for a sound user in the group to
 * reach its own sub-directory); it never grants listing or anything to others.
 */
function privateMode(mode: number, isDirectory: boolean, isRoot: boolean): number {
  const keepGroupSearch = isDirectory && isRoot && (mode & 0o070) === 0o010;
  return mode & (0o7700 | (keepGroupSearch ? 0o010 : 0));
}

/**
 * Makes the data dir private to the backend's user: every directory 0700 (the data dir itself
 * 0710 when it was set up so), every file without group and other bits. Symbolic links are not
 * followed. Sets the process umask to 0o077 first, so files the backend writes afterwards are born
 * private; PGlite sets 0666 on its own files whatever the umask, so run this again once it opened.
 *
 * @example
 * const report = await secureDataDir({ dataDir, skip: ['sound'] });
 * log.info(report, 'data dir private to this user');
 */
export async function secureDataDir(options: SecureDataDirOptions): Promise<DataDirReport> {
  process.umask(0o077);
  const skip = new Set(options.skip ?? []);
  const report: DataDirReport = { checked: 0, fixed: [], fixedCount: 0 };
  const visit = async (path: string, isRoot: boolean): Promise<void> => {
    const info = await lstat(path).catch(() => undefined);
    if (!info || info.isSymbolicLink()) return;
    report.checked += 1;
    const mode = info.mode & 0o7777;
    const target = privateMode(mode, info.isDirectory(), isRoot);
    if (target !== mode) {
      await chmod(path, target);
      report.fixedCount += 1;
      if (report.fixed.length < 20) report.fixed.push(relative(options.dataDir, path) || '.');
    }
    if (!info.isDirectory()) return;
    for (const entry of await readdir(path)) {
      const child = join(path, entry);
      if (skip.has(relative(options.dataDir, child))) continue;
      await visit(child, false);
    }
  };
  await visit(options.dataDir, true);
  return report;
}

/** Runs {@link secureDataDir} (the sound fleet's run dir excepted) and logs what it found. */
export async function reportDataDirPrivacy(
  dataDir: string,
  log: { info(object: unknown, message?: string): void },
): Promise<DataDirReport> {
  const report = await secureDataDir({ dataDir, skip: ['sound'] });
  log.info(
    { dataDir, checked: report.checked, fixed: report.fixedCount, examples: report.fixed },
    report.fixedCount > 0
      ? 'data dir: tightened modes to 0700/0600 (were open to other users)'
      : 'data dir: private to this user (0700/0600)',
  );
  return report;
}
