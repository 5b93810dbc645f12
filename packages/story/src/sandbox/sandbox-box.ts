// The OS-level box around the sandbox host process, below the WASM boundary: bubblewrap gives it
// its own user, PID, IPC, UTS and network namespaces (no network at all: only a loopback nobody
// listens on), an empty root with read-only /usr and the runtime files, a private /tmp, no
// environment, and no_new_privs; setpriv first drops to the unprivileged sandbox user when the
// backend runs as root. Inside, Node's permission model allows reading only the runtime files and
// starting worker threads: no child processes (Pyodide's system() ends in child_process), no
// writes, no native addons. Bubblewrap was chosen over Node's permission model alone because that
// model has no network or process-visibility controls, and over a hand-made namespace setup
// because it is small, audited and packaged by Debian.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the runtime directory appears inside the box. */
export const boxRuntimeDir = '/sandbox';

/** The system user the bootstrap creates for the sandbox. */
export const sandboxUserName = 'gencaster-sandbox';

/** Who the boxed process runs as. */
export interface SandboxUser {
  name: string;
  uid: number;
  gid: number;
}

/** A command line that starts Node inside the box. */
export interface BoxCommand {
  command: string;
  args: string[];
  user: SandboxUser;
}

function lookupUser(name: string): SandboxUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const fields = line?.split(':');
  if (!fields || fields.length < 4) return undefined;
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * The user the box runs as: `gencaster-sandbox` when the backend is root (`nobody` if the
 * bootstrap has not created it yet), otherwise the backend's own non-root user.
 */
export function sandboxUser(): SandboxUser {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { name: String(uid), uid, gid: process.getgid?.() ?? uid };
  return (
    lookupUser(sandboxUserName) ??
    lookupUser('nobody') ?? { name: 'nobody', uid: 65534, gid: 65534 }
  );
}

/** Top-level directories of a merged-/usr system: symlinks are recreated, real ones bound. */
function systemDirs(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/lib', '/lib64', '/bin', '/sbin']) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** Options of {@link boxCommand}. */
export interface BoxCommandOptions {
  /** Runtime directory on the host (see sandbox-runtime-files.ts). */
  runtimeDir: string;
  /** Arguments after `node` (the script path must be under {@link boxRuntimeDir}). */
  nodeArgs: string[];
  /** Without bubblewrap: only Node's permission model, as the backend's own user. */
  unconfined?: boolean;
  /** Whether the process gets the Node IPC channel on fd 3 (the host does, the probe does not). */
  ipc?: boolean;
  /** Further paths the process may read (`*`: all of the box's view; the probe reads /proc). */
  alsoReadable?: string[];
}

/** Node flags that keep the host process to its runtime files and worker threads. */
function permissionFlags(readable: string[]): string[] {
  return [
    '--experimental-permission',
    `--allow-fs-read=${readable.includes('*') ? '*' : readable.join(',')}`,
    '--allow-worker',
    '--no-warnings',
    '--disallow-code-generation-from-strings',
    '--max-old-space-size=512',
  ];
}

/** Builds the command that starts `node <nodeArgs>` in the box (IPC channel on fd 3). */
export function boxCommand(options: BoxCommandOptions): BoxCommand {
  const user = sandboxUser();
  if (options.unconfined) {
    const nodeArgs = options.nodeArgs.map((arg) =>
      arg.startsWith(boxRuntimeDir) ? options.runtimeDir + arg.slice(boxRuntimeDir.length) : arg,
    );
    return {
      command: process.execPath,
      args: [
        ...permissionFlags([options.runtimeDir, ...(options.alsoReadable ?? [])]),
        ...nodeArgs,
      ],
      user: {
        name: String(process.getuid?.() ?? 0),
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
      },
    };
  }
  const node = process.execPath;
  const nodeDir = dirname(node);
  const bwrap = [
    'bwrap',
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...(options.ipc
      ? ['--setenv', 'NODE_CHANNEL_FD', '3', '--setenv', 'NODE_CHANNEL_SERIALIZATION_MODE', 'json']
      : []),
    '--setenv',
    'PATH',
    '/usr/bin',
    ...systemDirs(),
    ...(nodeDir.startsWith('/usr/') ? [] : ['--ro-bind', nodeDir, nodeDir]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    options.runtimeDir,
    boxRuntimeDir,
    '--chdir',
    boxRuntimeDir,
    '--',
    node,
    ...permissionFlags([boxRuntimeDir, ...(options.alsoReadable ?? [])]),
    ...options.nodeArgs,
  ];
  if ((process.getuid?.() ?? 0) !== 0) return { command: bwrap[0]!, args: bwrap.slice(1), user };
  const setpriv = [
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    '--no-new-privs',
    '--pdeathsig=KILL',
    '--inh-caps=-all',
    '--bounding-set=-all',
  ];
  return { command: 'setpriv', args: [...setpriv, '--', ...bwrap], user };
}

/** What {@link probeBox} found. */
export interface BoxProbe {
  ok: boolean;
  /** Why the box cannot be set up, and what to do. */
  reason?: string;
  user?: SandboxUser;
}

const probeScript = `
const fs = require('node:fs');
const status = fs.readFileSync('/proc/self/status', 'utf8');
const field = (name) => (status.match(new RegExp('^' + name + ':\\\\s*(\\\\S+)', 'm')) || [])[1];
let spawn = 'allowed';
try { require('node:child_process').spawnSync('/usr/bin/true'); } catch (error) { spawn = error.code || 'denied'; }
const interfaces = Object.keys(require('node:os').networkInterfaces());
process.stdout.write(JSON.stringify({ uid: process.getuid(), noNewPrivs: field('NoNewPrivs'), spawn, interfaces, env: Object.keys(process.env) }));
`;

/**
 * Starts a throwaway process in the box and checks what it sees: an unprivileged uid,
 * no_new_privs, no child processes, no network interface but loopback. Asynchronous (~100 ms): the backend's event loop never
 * waits for it.
 */
export async function probeBox(runtimeDir: string): Promise<BoxProbe> {
  const box = boxCommand({ runtimeDir, nodeArgs: ['-e', probeScript], alsoReadable: ['*'] });
  const result = await new Promise<{
    error?: Error;
    status: number;
    stdout: string;
    stderr: string;
  }>((done) => {
    execFile(
      box.command,
      box.args,
      { encoding: 'utf8', timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        done({
          ...(error && typeof code === 'string' ? { error } : {}),
          status: error ? (typeof code === 'number' ? code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
  const hint = `install bubblewrap (apt-get install -y --no-install-recommends bubblewrap) and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or set GENCASTER_SANDBOX_UNCONFINED=1 to run scripts without the OS box`;
  if (result.error)
    return {
      ok: false,
      reason: `${box.command} could not start (${result.error.message}); ${hint}`,
    };
  if (result.status !== 0)
    return {
      ok: false,
      reason: `the sandbox box failed: ${(result.stderr || '').trim().slice(0, 300)}; ${hint}`,
    };
  try {
    const seen = JSON.parse(result.stdout) as {
      uid: number;
      noNewPrivs: string;
      spawn: string;
      interfaces: string[];
    };
    const problems = [
      seen.uid === 0 ? 'runs as root' : '',
      seen.noNewPrivs !== '1' ? 'no_new_privs is not set' : '',
      seen.spawn === 'allowed' ? 'can start processes' : '',
      seen.interfaces.some((name) => name !== 'lo') ? 'has a network interface' : '',
    ].filter(Boolean);
    if (problems.length > 0)
      return { ok: false, reason: `the sandbox box ${problems.join(', ')}; ${hint}` };
    return { ok: true, user: box.user };
  } catch {
    return {
      ok: false,
      reason: `the sandbox box answered garbage: ${result.stdout.slice(0, 200)}; ${hint}`,
    };
  }
}
