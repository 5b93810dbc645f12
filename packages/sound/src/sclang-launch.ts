import { createSocket } from 'node:dgram';
import { mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { loopbackBindLibrary } from './loopback-bind.ts';
import { fleetChildEnv } from './child-env.ts';

/** What one stream point's sclang is told through its environment (read by our SuperCollider class). */
export interface SclangPointEnv {
  scName: string;
  synthPort: number;
  janusOutPort: number;
  janusInPort: number;
  janusOutRoom: number;
  janusInRoom: number;
  janusPublicIp: string;
  /** HTTP API URL of this host's Janus as the backends should reach it (beacon key janus_http_url). */
  janusHttpUrl?: string;
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
  /** Environment to extend (default: {@link fleetChildEnv} with HOME = runtimeDir); never the launcher's own. */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * Environment for a headless sclang: Debian's Qt-linked sclang needs QT_QPA_PLATFORM=offscreen and,
 * as root, QTWEBENGINE_DISABLE_SANDBOX=1; JACK_DEFAULT_SERVER selects the point's jackd and
 * SC_JACK_DEFAULT_OUTPUTS/INPUTS make scsynth re-link itself to GStreamer on every (re)boot.
 */
export function sclangEnv(p: SclangPointEnv): NodeJS.ProcessEnv {
  mkdirSync(p.runtimeDir, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...(p.baseEnv ?? fleetChildEnv(p.runtimeDir)),
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
  if (p.janusHttpUrl) env.JANUS_HTTP_URL = p.janusHttpUrl;
  else delete env.JANUS_HTTP_URL;
  if (p.oscSecret) env.GENCASTER_OSC_SECRET = p.oscSecret;
  else delete env.GENCASTER_OSC_SECRET;
  Object.assign(env, sclangBindEnv(p.backendOscHost));
  return env;
}

/**
 * Where sclang's OSC port listens: on loopback only while the backend is on this host (sclang 3.13
 * always binds 0.0.0.0, so the loopback-bind library is preloaded), on every address when the
 * point is configured for a remote backend (BACKEND_OSC_HOST not loopback), which must reach it.
 * Either way our class runs only instructions the backend signed when a secret is set.
 */
export function sclangBindEnv(backendOscHost: string): NodeJS.ProcessEnv {
  const v4 = backendOscHost.startsWith('::ffff:') ? backendOscHost.slice(7) : backendOscHost;
  const local = v4.startsWith('127.') || backendOscHost === '::1' || v4 === 'localhost';
  if (!local) return { GENCASTER_LOOPBACK_BIND: '0' };
  const library = loopbackBindLibrary();
  if (!('path' in library)) return { GENCASTER_LOOPBACK_BIND: '0' };
  return { GENCASTER_LOOPBACK_BIND: '1', LD_PRELOAD: library.path };
}

/**
 * Writes a sclang language config (`-l`) whose includePaths add our class folder, so nothing is
 * written into the user's home. `dataHome` is the XDG data dir sclang will see (its user extensions). A copy or symlink of the same folder already installed in the user
 * extension dir goes on excludePaths, because sclang refuses to compile duplicate classes.
 * Returns the file path.
 */
export function writeSclangConfig(
  dir: string,
  includePaths: readonly string[],
  dataHome = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'),
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sclang_conf.yaml');
  const list = (items: readonly string[]): string =>
    items.length === 0
      ? ' []\n'
      : '\n' + items.map((item) => `    - ${JSON.stringify(item)}\n`).join('');
  const exclude = installedDuplicates(includePaths, dataHome);
  writeFileSync(
    file,
    `includePaths:${list(includePaths)}excludePaths:${list(exclude)}postInlineWarnings: false\nexcludeDefaultPaths: false\n`,
  );
  return file;
}

/** Entries of sclang's user extension dir that are an include path (same real path or same folder name). */
function installedDuplicates(includePaths: readonly string[], dataHome: string): string[] {
  const userExtensions = join(dataHome, 'SuperCollider', 'Extensions');
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const wanted = new Set(includePaths.map(real));
  const names = new Set(includePaths.map((path) => basename(path)));
  let entries: string[];
  try {
    entries = readdirSync(userExtensions);
  } catch {
    return [];
  }
  return entries
    .map((entry) => join(userExtensions, entry))
    .filter((path) => names.has(basename(path)) || wanted.has(real(path)));
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
