import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';

/** Set to `1` in every process started by {@link runInNetns}. */
export const NETNS_ENV = 'GENCASTER_NETNS';
/** Address of the namespace's first veth end (Janus' host candidate); the peer is `.2`. */
export const NETNS_ADDRESS = '10.77.0.1';
/** The namespace's /24: every address of its veth pair starts with this. */
export const NETNS_PREFIX = '10.77.0.';
/** Interface name of the first veth end inside the namespace. */
export const NETNS_INTERFACE = 'gcv0';

/** True inside a namespace made by {@link runInNetns}. */
export function insideTestNetns(): boolean {
  return process.env[NETNS_ENV] === '1';
}

let cachedReason: string | undefined | null = null;

/**
 * Why a private network namespace cannot be made here (not root, no `unshare`/`ip`, or the kernel
 * refuses CLONE_NEWNET or veth links), or `undefined` when it works. Probed once per process.
 */
export function netnsUnavailableReason(): string | undefined {
  if (cachedReason !== null) return cachedReason;
  cachedReason = probe();
  return cachedReason;
}

function probe(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'a network namespace needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)';
  for (const bin of ['/usr/bin/unshare', '/usr/sbin/ip']) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install util-linux iproute2)`;
  }
  const trial = spawnSync('unshare', ['--net', '--', 'sh', '-c', setupScript()], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (trial.status !== 0)
    return `unshare --net with a veth pair failed: ${(trial.stderr || trial.error?.message || '').trim()}`;
  return undefined;
}

/** Shell lines run first inside the namespace: `lo` up and a veth pair with 10.x on both ends. */
function setupScript(): string {
  const peer = NETNS_ADDRESS.replace(/\.1$/, '.2');
  return [
    'set -e',
    'ip link set lo up',
    `ip link add ${NETNS_INTERFACE} type veth peer name gcv1`,
    `ip addr add ${NETNS_ADDRESS}/24 dev ${NETNS_INTERFACE}`,
    `ip addr add ${peer}/24 dev gcv1`,
    `ip link set ${NETNS_INTERFACE} up`,
    'ip link set gcv1 up',
  ].join('\n');
}

/** Options of {@link runInNetns}. */
export interface NetnsRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Hard limit; on expiry every process in the namespace is killed (default 10 min). */
  timeoutMs?: number;
  /** Receives output lines as they come (default: none; all output is also returned). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Outcome of {@link runInNetns}. */
export interface NetnsRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The network namespace id (`net:[inode]`) of a process, or null when it is gone. */
function netnsOf(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

/** PIDs of every process in network namespace `ns` (the namespace is private to one run). */
function pidsIn(ns: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && netnsOf(pid) === ns);
}

async function killNamespace(ns: string): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGTERM', 3000],
    ['SIGKILL', 2000],
  ] as const) {
    const pids = pidsIn(ns);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && pidsIn(ns).length > 0)
      await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Runs `command args` inside a fresh network namespace (`unshare --net`) that has `lo` up and a
 * veth pair (10.77.0.1 ↔ 10.77.0.2), so WebRTC (which Janus never offers on loopback) has a
 * non-loopback host candidate and no test traffic touches the host's interfaces. When the command
 * ends (or times out) every process left in the namespace is killed, which frees the namespace
 * and its veth pair. Children get `GENCASTER_NETNS=1`.
 */
export async function runInNetns(
  command: string,
  args: readonly string[],
  options: NetnsRunOptions = {},
): Promise<NetnsRunResult> {
  const reason = netnsUnavailableReason();
  if (reason) throw new Error(reason);
  const hostNs = netnsOf('self');
  const child = spawn(
    'unshare',
    ['--net', '--', 'sh', '-c', `${setupScript()}\nexec "$@"`, 'netns', command, ...args],
    {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), [NETNS_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let ns: string | null = null;
  const remember = (): void => {
    const current = child.pid === undefined ? null : netnsOf(child.pid);
    if (current && current !== hostNs) ns = current;
  };
  const watcher = setInterval(remember, 20);
  const output = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk: string) => {
      output[stream] += chunk;
      remember();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line, stream);
    });
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (ns) void killNamespace(ns);
    else child.kill('SIGKILL');
  }, options.timeoutMs ?? 600_000);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (c, s) => resolve([c, s]));
      },
    );
    return { code, signal, ...output, timedOut };
  } finally {
    clearTimeout(timer);
    clearInterval(watcher);
    // Detached children (the sound fleet's process groups) may outlive the command: end them.
    if (ns) await killNamespace(ns);
  }
}
