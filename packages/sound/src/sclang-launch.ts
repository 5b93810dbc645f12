import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one stream point's sclang is told through its environment (read by our SuperCollider class). */
export interface SclangPointEnv {
  scName: string;
  synthPort: number;
  janusOutPort: number;
  janusInPort: number;
  janusOutRoom: number;
  janusInRoom: number;
  janusPublicIp: string;
  useInput: boolean;
  backendOscHost: string;
  backendOscPort: number;
  jackServer: string;
  /** JACK ports scsynth connects its outputs to on every boot (the out pipeline's inputs). */
  jackOutputs: readonly string[];
  /** JACK ports scsynth connects its inputs to (the microphone pipeline's outputs). */
  jackInputs: readonly string[];
  oscSecret?: string;
  /** Writable, private dir for XDG_RUNTIME_DIR. */
  runtimeDir: string;
}

/**
 * Environment for a headless sclang: Debian's Qt-linked sclang needs QT_QPA_PLATFORM=offscreen and,
 * as root, QTWEBENGINE_DISABLE_SANDBOX=1; JACK_DEFAULT_SERVER selects the point's jackd and
 * SC_JACK_DEFAULT_OUTPUTS/INPUTS make scsynth re-link itself to GStreamer on every (re)boot.
 */
export function sclangEnv(p: SclangPointEnv): NodeJS.ProcessEnv {
  mkdirSync(p.runtimeDir, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QT_QPA_PLATFORM: 'offscreen',
    QTWEBENGINE_DISABLE_SANDBOX: '1',
    XDG_RUNTIME_DIR: p.runtimeDir,
    JACK_DEFAULT_SERVER: p.jackServer,
    JACK_NO_START_SERVER: '1',
    JACK_NO_AUDIO_RESERVATION: '1',
    SC_JACK_DEFAULT_OUTPUTS: p.jackOutputs.join(','),
    SC_NAME: p.scName,
    SC_SYNTH_PORT: String(p.synthPort),
    SC_JACK_SERVER: p.jackServer,
    JANUS_OUT_PORT: String(p.janusOutPort),
    JANUS_IN_PORT: String(p.janusInPort),
    JANUS_OUT_ROOM: String(p.janusOutRoom),
    JANUS_IN_ROOM: String(p.janusInRoom),
    JANUS_PUBLIC_IP: p.janusPublicIp,
    SUPERCOLLIDER_USE_INPUT: p.useInput ? '1' : '0',
    BACKEND_OSC_HOST: p.backendOscHost,
    BACKEND_OSC_PORT: String(p.backendOscPort),
  };
  if (p.jackInputs.length > 0) env.SC_JACK_DEFAULT_INPUTS = p.jackInputs.join(',');
  else delete env.SC_JACK_DEFAULT_INPUTS;
  if (p.oscSecret) env.GENCASTER_OSC_SECRET = p.oscSecret;
  else delete env.GENCASTER_OSC_SECRET;
  return env;
}

/**
 * Writes a sclang language config (`-l`) whose includePaths add our class folder, so nothing is
 * written into the user's home. Returns the file path.
 */
export function writeSclangConfig(dir: string, includePaths: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sclang_conf.yaml');
  const list = (items: readonly string[]): string =>
    items.length === 0
      ? ' []\n'
      : '\n' + items.map((item) => `    - ${JSON.stringify(item)}\n`).join('');
  writeFileSync(
    file,
    `includePaths:${list(includePaths)}excludePaths: []\npostInlineWarnings: false\nexcludeDefaultPaths: false\n`,
  );
  return file;
}

/** sclang arguments: daemon mode (no stdin), fixed lang port, our language config, the startup file. */
export function sclangArgs(langPort: number, configFile: string, startupFile: string): string[] {
  return ['-D', '-u', String(langPort), '-l', configFile, startupFile];
}

/** The OSC message `/quit` with no arguments (`/quit\0\0\0` + `,\0\0\0`). */
const QUIT = Buffer.from('/quit\0\0\0,\0\0\0', 'latin1');

/** Sends `/quit` to scsynth on 127.0.0.1:`port` (scsynth outlives a killed sclang otherwise). */
export function sendScsynthQuit(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.send(QUIT, port, '127.0.0.1', () => {
      socket.close();
      resolve();
    });
  });
}
