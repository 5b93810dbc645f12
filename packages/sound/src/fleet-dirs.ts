import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runCommand } from './process-tools.ts';
import { wrapCommand, type SoundUser } from './sound-user.ts';

/**
 * Where one fleet keeps its files. The launcher's own state (status.json, pid files) and the
 * generated configs stay the launcher's (root's) so that the sound user (and with it every
 * editor's SuperCollider cell) can read the configs but not rewrite what the next restart runs,
 * nor forge a pid file the next start would kill. Only `home` (HOME, XDG dirs, XDG_RUNTIME_DIR
 * per point, sclang's synthdefs) belongs to the sound user.
 */
export interface FleetDirs {
  /** 0710 root:<sound group>: status.json, pids/, janus/, point-N/, home/. */
  runDir: string;
  /** 0700 root: pid files. */
  pidDir: string;
  /** 0700 owned by the sound user. */
  home: string;
  /** `<home>/run/point-<n>`, the point's XDG_RUNTIME_DIR (0700, sound user). */
  runtimeDir(index: number): string;
}

/** Creates the fleet's dirs with their owners and modes (see {@link FleetDirs}). */
export function prepareFleetDirs(runDir: string, user: SoundUser): FleetDirs {
  const root = resolve(runDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const pidDir = join(root, 'pids');
  mkdirSync(pidDir, { recursive: true, mode: 0o700 });
  chmodSync(pidDir, 0o700);
  const home = join(root, 'home');
  const runtimeDir = (index: number) => join(home, 'run', `point-${index}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (user.switchUser) {
    chownSync(root, 0, user.gid);
    chmodSync(root, 0o710);
    chownTree(home, user.uid, user.gid);
  } else {
    chmodSync(root, 0o700);
  }
  chmodSync(home, 0o700);
  return { runDir: root, pidDir, home, runtimeDir };
}

/** Creates (if needed) the sound user's runtime dir of point `index`. */
export function prepareRuntimeDir(dirs: FleetDirs, index: number, user: SoundUser): string {
  const dir = dirs.runtimeDir(index);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user.switchUser) chownTree(join(dirs.home, 'run'), user.uid, user.gid);
  return dir;
}

/**
 * Makes generated files readable, never writable, for the sound user: owner root, group the sound
 * user's, dirs 0750 and files 0640 (no-op when the fleet runs as the launcher's own user).
 */
export function grantReadOnly(path: string, user: SoundUser): void {
  if (!user.switchUser) return;
  const walk = (entry: string): void => {
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    chownSync(entry, 0, user.gid);
    chmodSync(entry, stat.isDirectory() ? 0o750 : 0o640);
    if (stat.isDirectory()) readdirSync(entry).forEach((name) => walk(join(entry, name)));
  };
  walk(path);
}

/**
 * Group `gid` may read everything below `path` (files +r, dirs +rx) and nobody but the owner may
 * write; `skip` dirs keep their modes. Repairs a library that a umask of 0077 made owner-only.
 */
function grantGroupRead(path: string, gid: number, skip: ReadonlySet<string>): void {
  if (skip.has(path)) return;
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  chownSync(path, stat.uid, gid);
  const mode = stat.mode & 0o7777 & ~0o022;
  chmodSync(path, stat.isDirectory() ? mode | 0o050 : mode | 0o040);
  if (stat.isDirectory())
    readdirSync(path).forEach((name) => grantGroupRead(join(path, name), gid, skip));
}

function chownTree(path: string, uid: number, gid: number): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  chownSync(path, uid, gid);
  if (stat.isDirectory())
    readdirSync(path).forEach((name) => chownTree(join(path, name), uid, gid));
}

/** Layout of the backend's data dir as the fleet must treat it. */
export interface DataDirAccess {
  /** The data dir (database, secrets, media, the fleet's run dir). */
  dir: string;
  /** Dirs inside it the sound user reads (the media library); created when missing. */
  readable: readonly string[];
  /** Dirs inside `readable` that stay private (uploads being converted); created 0700. */
  private?: readonly string[];
}

/**
 * Locks the data dir against the sound user: the dir becomes 0710 root:<sound group> (the sound
 * user may pass through to the paths it is given, never list it), every entry but the fleet's run
 * dir and the `readable` ones becomes owner-only (dirs 0700, files 0600: database, secrets, locks),
 * `readable` dirs become 0750 root:<sound group> with everything below group-readable and writable
 * only by its owner (read-only for the sound user), `private` ones 0700 (contents untouched). Without a user switch the data dir is simply 0700.
 */
export function protectDataDir(access: DataDirAccess, runDir: string, user: SoundUser): void {
  const dir = resolve(access.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!user.switchUser) {
    chmodSync(dir, 0o700);
    return;
  }
  const readable = access.readable.map((path) => resolve(path));
  const keep = new Set([resolve(runDir), ...readable]);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (keep.has(path)) continue;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    chmodSync(path, stat.isDirectory() ? 0o700 : 0o600);
  }
  const privateDirs = new Set((access.private ?? []).map((path) => resolve(path)));
  for (const path of privateDirs) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
  }
  for (const path of readable) {
    if (dirname(path) !== dir) throw new Error(`${path} is not directly inside ${dir}`);
    mkdirSync(path, { recursive: true, mode: 0o750 });
    grantGroupRead(path, user.gid, privateDirs);
    chmodSync(path, 0o750);
  }
  chownSync(dir, statSync(dir).uid, user.gid);
  chmodSync(dir, 0o710);
}

/**
 * The paths the sound user cannot read (files) or enter (dirs); empty when all are fine. Run as
 * that user, so every ancestor's mode counts (a repository under /root fails here, not in sclang).
 */
export async function unreadableFor(user: SoundUser, paths: readonly string[]): Promise<string[]> {
  if (!user.switchUser || paths.length === 0) return [];
  const script =
    'for p; do if [ -d "$p" ]; then [ -x "$p" ] && [ -r "$p" ] || echo "$p"; else [ -r "$p" ] || echo "$p"; fi; done';
  const argv = wrapCommand(user, 'sh', ['-c', script, 'sh', ...paths]);
  const result = await runCommand(argv.command, argv.args, { env: { PATH: process.env.PATH } });
  return result.stdout.split('\n').filter((line) => line.length > 0);
}
