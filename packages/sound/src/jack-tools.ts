import { runCommand } from './process-tools.ts';

/**
 * Arguments for a named jackd on the dummy driver (no sound card needed). Non-realtime by default;
 * `realtime` runs it (and, through libjack, the process threads of scsynth and GStreamer) with
 * SCHED_FIFO priority 70, which keeps the dummy clock steady on a loaded host (needs root or
 * rtprio rights).
 */
export function jackdArgs(
  server: string,
  {
    sampleRate = 48000,
    period = 256,
    realtime = false,
  }: { sampleRate?: number; period?: number | undefined; realtime?: boolean | undefined } = {},
): string[] {
  const mode = realtime ? ['-R', '-P', '70'] : ['-r'];
  return ['-n', server, ...mode, '-d', 'dummy', '-r', String(sampleRate), '-p', String(period)];
}

/** Ports of a JACK server (`jack_lsp -s`), or `null` if the server does not answer. */
export async function listJackPorts(server: string): Promise<string[] | null> {
  const result = await runCommand('jack_lsp', ['-s', server], {
    timeoutMs: 3000,
    env: jackToolEnv(),
  });
  if (result.code !== 0) return null;
  return result.stdout.split('\n').filter((line) => line.length > 0);
}

/** Connections of a JACK server as `[from, to]` pairs (`jack_lsp -c`). */
export async function listJackConnections(server: string): Promise<Array<[string, string]>> {
  const result = await runCommand('jack_lsp', ['-s', server, '-c'], {
    timeoutMs: 3000,
    env: jackToolEnv(),
  });
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
export async function jackConnect(server: string, from: string, to: string): Promise<boolean> {
  const result = await runCommand('jack_connect', ['-s', server, from, to], {
    timeoutMs: 3000,
    env: jackToolEnv(),
  });
  return result.code === 0 || /already connected/i.test(result.stderr + result.stdout);
}

/** Whether `from` → `to` is connected (either direction is listed by jack_lsp -c). */
export async function isJackConnected(server: string, from: string, to: string): Promise<boolean> {
  const pairs = await listJackConnections(server);
  return pairs.some(([a, b]) => a === from && b === to);
}

/** Env for jack_* helpers: never let them auto-start a default server. */
function jackToolEnv(): NodeJS.ProcessEnv {
  return { ...process.env, JACK_NO_START_SERVER: '1', JACK_NO_AUDIO_RESERVATION: '1' };
}
