import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOscMessage } from '../osc-codec.ts';
import { signatureTrailer } from '../message-auth.ts';
import {
  installSuperColliderExtension,
  superColliderStartupFile,
} from '../supercollider-extension.ts';

/** Why real stream points cannot run here, or undefined when sclang, scsynth and jackd are present. */
export function streamPointUnavailableReason(): string | undefined {
  for (const binary of ['sclang', 'scsynth', 'jackd']) {
    if (spawnSync('which', [binary]).status !== 0) return `${binary} is not installed`;
  }
  return undefined;
}

/** A free UDP port on 127.0.0.1 (bound and released; good enough for test processes). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Options of {@link startTestStreamPoint}. */
export interface TestStreamPointOptions {
  backendPort: number;
  name?: string;
  /** Extra environment (e.g. GENCASTER_OSC_SECRET, JANUS_OUT_ROOM). */
  env?: Record<string, string>;
}

/** A running jackd + sclang (+ its scsynth) stream point started for a test. */
export interface TestStreamPoint extends AsyncDisposable {
  name: string;
  langPort: number;
  synthPort: number;
  jackName: string;
  /** `Date.now()` when sclang was spawned (JACK already running). */
  startedAt: number;
  /** Everything sclang printed so far. */
  output(): string;
  /**
   * Kills sclang and its scsynth with SIGKILL (a crash) and starts sclang again on the same ports
   * and JACK server, as the launcher's supervisor does; resolves when the new sclang was spawned.
   */
  crashAndRestart(): Promise<void>;
  /** Stops sclang (via /gencaster/quit), scsynth and jackd, by PID; escalates to SIGKILL. */
  stop(): Promise<void>;
}

let counter = 0;

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a real stream point for tests: a dummy-driver JACK server with a unique name, then sclang
 * running our stream-point.scd with the environment contract. It does not wait for the beacon; the
 * test's OSC server sees it. Always `stop()` it (or `await using`).
 */
export async function startTestStreamPoint(
  options: TestStreamPointOptions,
): Promise<TestStreamPoint> {
  await installSuperColliderExtension();
  counter += 1;
  const name = options.name ?? `gc${process.pid}x${counter}`;
  const jackName = `gcosc${process.pid}x${counter}`;
  const [langPort, synthPort] = [await freeUdpPort(), await freeUdpPort()];
  const xdg = join(tmpdir(), `gencaster-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(xdg, { recursive: true, mode: 0o700 });
  const baseEnv = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' };
  const jackd = spawn('jackd', ['-n', jackName, '-r', '-d', 'dummy', '-r', '48000', '-p', '256'], {
    env: baseEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let jackErrors = '';
  jackd.stderr?.on('data', (chunk: Buffer) => (jackErrors += chunk.toString()));
  // generous: on a loaded 2-core machine jackd can take seconds
  const jackReady = Date.now() + 20_000;
  while (spawnSync('jack_lsp', ['-s', jackName], { env: baseEnv, stdio: 'ignore' }).status !== 0) {
    if (Date.now() > jackReady || jackd.exitCode !== null) {
      jackd.kill('SIGKILL');
      throw new Error(`jackd ${jackName} did not start: ${jackErrors.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let output = '';
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    QT_QPA_PLATFORM: 'offscreen',
    QTWEBENGINE_DISABLE_SANDBOX: '1',
    XDG_RUNTIME_DIR: xdg,
    SC_NAME: name,
    SC_SYNTH_PORT: String(synthPort),
    SC_JACK_SERVER: jackName,
    BACKEND_OSC_HOST: '127.0.0.1',
    BACKEND_OSC_PORT: String(options.backendPort),
    ...options.env,
  };
  const secret = env.GENCASTER_OSC_SECRET || undefined;
  const spawnSclang = (): ChildProcess => {
    const child = spawn('sclang', ['-D', '-u', String(langPort), superColliderStartupFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return child;
  };
  let sclang = spawnSclang();

  async function crashAndRestart(): Promise<void> {
    const children = sclang.pid ? childPids(sclang.pid) : [];
    sclang.kill('SIGKILL');
    for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await exited(sclang, 3000);
    for (const pid of children)
      for (let i = 0; i < 30 && alive(pid); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
    sclang = spawnSclang();
  }

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    const children = sclang.pid ? childPids(sclang.pid) : [];
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) =>
      socket.send(
        encodeOscMessage(
          '/gencaster/quit',
          secret ? signatureTrailer('/gencaster/quit', [], secret) : [],
        ),
        langPort,
        '127.0.0.1',
        () => resolve(),
      ),
    );
    await new Promise<void>((resolve) =>
      socket.send(encodeOscMessage('/quit', []), synthPort, '127.0.0.1', () => resolve()),
    );
    socket.close();
    if (!(await exited(sclang, 4000))) {
      sclang.kill('SIGKILL');
      await exited(sclang, 2000);
    }
    for (const pid of children) {
      for (let i = 0; i < 30 && alive(pid); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    jackd.kill('SIGTERM');
    if (!(await exited(jackd, 3000))) jackd.kill('SIGKILL');
  }

  return {
    name,
    langPort,
    synthPort,
    jackName,
    startedAt,
    output: () => output,
    crashAndRestart,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
