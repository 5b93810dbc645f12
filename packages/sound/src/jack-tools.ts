import { runCommand } from './process-tools.ts';
import { wrapCommand, type SoundUser } from './sound-user.ts';

/**
 * A JACK server and the user it runs as: libjack puts the uid into the server's socket path
 * (`/dev/shm/jack_<server>_<uid>_0`), so the jack_* helpers must run as the server's user.
 */
export interface JackServerRef {
  server: string;
  user?: SoundUser | undefined;
}

/**
 * Arguments for a named jackd on the dummy driver (no sound card needed). Non-realtime by default;
 * `realtime` runs it (and, through libjack, the process threads of its clients that may) with
 * SCHED_FIFO at `priority` (default 70), which keeps the dummy clock steady on a loaded host
 * (needs CAP_SYS_NICE or rtprio rights: see probeRealtime).
 */
export function jackdArgs(
  server: string,
  {
    sampleRate = 48000,
    period = 256,
    realtime = false,
    priority = 70,
  }: {
    sampleRate?: number;
    period?: number | undefined;
    realtime?: boolean | undefined;
    priority?: number | undefined;
  } = {},
): string[] {
  const mode = realtime ? ['-R', '-P', String(priority)] : ['-r'];
  return ['-n', server, ...mode, '-d', 'dummy', '-r', String(sampleRate), '-p', String(period)];
}

/** Ports of a JACK server (`jack_lsp -s`), or `null` if the server does not answer. */
export async function listJackPorts(jack: JackServerRef): Promise<string[] | null> {
  const result = await jackTool(jack, 'jack_lsp', ['-s', jack.server]);
  if (result.code !== 0) return null;
  return result.stdout.split('\n').filter((line) => line.length > 0);
}

/** Connections of a JACK server as `[from, to]` pairs (`jack_lsp -c`). */
export async function listJackConnections(jack: JackServerRef): Promise<Array<[string, string]>> {
  const result = await jackTool(jack, 'jack_lsp', ['-s', jack.server, '-c']);
  const pairs: Array<[string, string]> = [];
  let current = '';
  for (const line of result.stdout.split('\n')) {
    if (line.length === 0) continue;
    if (/^\s/.test(line)) pairs.push([current, line.trim()]);
    else current = line;
  }
  return pairs;
}

/** Connects two ports; "already connected" counts as success. */
export async function jackConnect(jack: JackServerRef, from: string, to: string): Promise<boolean> {
  const result = await jackTool(jack, 'jack_connect', ['-s', jack.server, from, to]);
  return result.code === 0 || /already connected/i.test(result.stderr + result.stdout);
}

/** Whether `from` → `to` is connected (either direction is listed by jack_lsp -c). */
export async function isJackConnected(
  jack: JackServerRef,
  from: string,
  to: string,
): Promise<boolean> {
  const pairs = await listJackConnections(jack);
  return pairs.some(([a, b]) => a === from && b === to);
}

/** Runs a jack_* helper as the server's user; it never auto-starts a default server. */
function jackTool(jack: JackServerRef, command: string, args: string[]) {
  const env = { PATH: process.env.PATH, JACK_NO_START_SERVER: '1', JACK_NO_AUDIO_RESERVATION: '1' };
  const argv = jack.user ? wrapCommand(jack.user, command, args) : { command, args };
  return runCommand(argv.command, argv.args, { timeoutMs: 3000, env });
}
