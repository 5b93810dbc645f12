import { cp, lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of our SuperCollider extension folder (GencasterServer, GencasterHmac, GencasterLiveClient). */
export const superColliderExtensionDir = fileURLToPath(
  new URL('../supercollider/Gencaster', import.meta.url),
);

/** Absolute path of the stream point startup file; run as `sclang -D -u <langPort> <file>` (env contract inside). */
export const superColliderStartupFile = fileURLToPath(
  new URL('../supercollider/stream-point.scd', import.meta.url),
);

/** sclang's user extension folder for our classes (Linux default). */
export const defaultSuperColliderExtensionTarget = join(
  homedir(),
  '.local/share/SuperCollider/Extensions/Gencaster',
);

/** Options of {@link installSuperColliderExtension}. */
export interface InstallExtensionOptions {
  /** Where the Gencaster folder goes (default {@link defaultSuperColliderExtensionTarget}). */
  targetDir?: string;
  /** `symlink` (default: edits in the repo take effect on the next sclang start) or `copy`. */
  mode?: 'symlink' | 'copy';
}

async function existing(path: string) {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

/**
 * Installs our classes into sclang's extension directory, idempotently: an up-to-date symlink is left
 * alone (`changed: false`); anything else at the target is replaced. Safe to call concurrently
 * (the symlink is swapped in with an atomic rename). sclang must be (re)started to compile it.
 */
export async function installSuperColliderExtension(
  options: InstallExtensionOptions = {},
): Promise<{ targetDir: string; changed: boolean }> {
  const targetDir = resolve(options.targetDir ?? defaultSuperColliderExtensionTarget);
  await mkdir(dirname(targetDir), { recursive: true });
  const current = await existing(targetDir);
  if ((options.mode ?? 'symlink') === 'symlink') {
    if (
      current?.isSymbolicLink() &&
      resolve(dirname(targetDir), await readlink(targetDir)) === superColliderExtensionDir
    ) {
      return { targetDir, changed: false };
    }
    if (current && !current.isSymbolicLink()) await rm(targetDir, { recursive: true, force: true });
    const temporary = `${targetDir}.${process.pid}.${Date.now()}.tmp`;
    await symlink(superColliderExtensionDir, temporary, 'dir');
    await rename(temporary, targetDir);
    return { targetDir, changed: true };
  }
  if (current) await rm(targetDir, { recursive: true, force: true });
  await cp(superColliderExtensionDir, targetDir, { recursive: true });
  return { targetDir, changed: true };
}
