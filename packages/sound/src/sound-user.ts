import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

/** Name of the unprivileged system user the bootstrap creates for the fleet. */
export const DEFAULT_SOUND_USER = 'gencaster-sound';

/**
 * Who the fleet's children run as. `switchUser`: the launcher is root and drops to `uid`/`gid`
 * with setpriv; otherwise the children run as the launcher's own (non-root) user.
 */
export interface SoundUser {
  name: string;
  uid: number;
  gid: number;
  switchUser: boolean;
}

/** Options of {@link resolveSoundUser}. */
export interface ResolveSoundUserOptions {
  /** System user to drop to when running as root (default `gencaster-sound`). */
  user?: string;
  /** For tests: the launcher's uid (default `process.getuid()`). */
  launcherUid?: number;
  /** For tests: contents of /etc/passwd. */
  passwd?: string;
}

/**
 * Decides who runs the fleet. As root it must be the dedicated user: a missing user is an error
 * (never a silent fallback to root, which would give editors' SuperCollider code root on the host).
 * As any other user the fleet runs as that user (nothing to drop).
 */
export function resolveSoundUser(options: ResolveSoundUserOptions = {}): SoundUser {
  const launcherUid = options.launcherUid ?? process.getuid?.() ?? 0;
  if (launcherUid !== 0) {
    const me = userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid, switchUser: false };
  }
  const name = options.user ?? DEFAULT_SOUND_USER;
  const passwd = options.passwd ?? readFileSync('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user !== name) continue;
    if (Number(uid) === 0)
      throw new Error(`sound user ${name} has uid 0: use an unprivileged user`);
    return { name, uid: Number(uid), gid: Number(gid), switchUser: true };
  }
  throw new Error(
    `the sound fleet runs as the unprivileged user ${name}, which does not exist: run "node scripts/bootstrap.mjs install" as root, or useradd --system --no-create-home --shell /usr/sbin/nologin --user-group ${name}`,
  );
}

/** How one child is started: {@link wrapCommand} turns it into the real argv. */
export interface LaunchOptions {
  /**
   * Own PID namespace (root only): the child is its init, so everything it starts (sclang's scsynth,
   * whatever an editor's cell starts with unixCmd) is killed by the kernel when it dies.
   */
  pidNamespace?: boolean;
  /**
   * Keep CAP_SYS_NICE (ambient) after dropping root, so realtime JACK can use SCHED_FIFO. Only for
   * processes that run no user code (jackd, GStreamer): with it a cell could starve the host.
   */
  realtime?: boolean;
}

/**
 * The argv that starts `command` as the sound user and ties it to the launcher: util-linux
 * `setpriv --pdeathsig SIGKILL` (the kernel kills the child when the launcher's main thread dies,
 * SIGKILL of the launcher included), plus `--reuid/--regid --clear-groups --no-new-privs` as root.
 * setpriv sets the death signal after changing the uid (a uid change clears it), so one setpriv
 * does both. With `pidNamespace`, `unshare --pid --fork --kill-child` sits between: the launcher's
 * direct child is unshare (dies with the launcher), its child the real program (dies with unshare).
 */
export function wrapCommand(
  user: SoundUser,
  command: string,
  args: readonly string[],
  launch: LaunchOptions = {},
): { command: string; args: string[] } {
  const drop = user.switchUser
    ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--no-new-privs']
    : ['--no-new-privs'];
  const nice =
    launch.realtime && user.switchUser ? ['--inh-caps=+sys_nice', '--ambient-caps=+sys_nice'] : [];
  const inner = ['setpriv', ...drop, ...nice, '--pdeathsig', 'SIGKILL', '--', command, ...args];
  const argv =
    launch.pidNamespace && user.switchUser
      ? [
          'setpriv',
          '--pdeathsig',
          'SIGKILL',
          '--',
          'unshare',
          '--pid',
          '--fork',
          '--kill-child=SIGKILL',
          '--',
          ...inner,
        ]
      : inner;
  const [first, ...rest] = argv;
  return { command: first ?? command, args: rest };
}
