import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Everything the generated Janus configuration needs. */
export interface JanusConfigOptions {
  /** Directory to (re)write the four .jcfg files into. */
  dir: string;
  /** Janus module root containing plugins/, transports/, events/, loggers/ (auto-detected). */
  libDir?: string;
  httpPort: number;
  /** Address the HTTP API binds to (default 127.0.0.1). */
  httpBind?: string;
  rtpPortRange: { min: number; max: number };
  apiSecret: string;
  adminSecret: string;
  /** Required by the streaming and audiobridge plugins for `create`/`rtp_forward`; never empty. */
  pluginAdminKey: string;
  /** Public address announced in ICE candidates (nat_1_1_mapping); omitted when loopback. */
  publicIp?: string | undefined;
  /** `ice_enforce_list`: gather ICE candidates only on these interfaces/addresses (default: all). */
  iceInterfaces?: readonly string[] | undefined;
  /**
   * Folders Janus must never record into or play files from (`protected_folders`); `/` is always
   * included, so no plugin request can name a path at all (recordings and `play_file` are off).
   */
  protectedFolders?: readonly string[] | undefined;
}

const KEEP = new Set(['libjanus_streaming.so', 'libjanus_audiobridge.so', 'libjanus_http.so']);

/** Finds Debian's Janus module root (`/usr/lib/<multiarch>/janus`); `null` if Janus is not installed. */
export function findJanusLibDir(): string | null {
  for (const candidate of [
    '/usr/lib/x86_64-linux-gnu/janus',
    '/usr/lib/aarch64-linux-gnu/janus',
    '/usr/lib/janus',
    '/usr/local/lib/janus',
  ]) {
    if (existsSync(join(candidate, 'plugins'))) return candidate;
  }
  return null;
}

/**
 * Writes a minimal Janus configuration: only the HTTP transport (bound to loopback by default) and
 * the streaming + audiobridge plugins are loaded (every other module found on disk is disabled),
 * no static mountpoints or rooms (they are created at run time), secrets from the data dir.
 * `admin_key` must never be empty: `admin_key = ""` makes every streaming `create` fail (453).
 * Hardening: `protected_folders` covers `/` (and the given folders), audiobridge has
 * `lock_rtp_forward` and `lock_play_file` (both then need the admin key).
 * Returns the path of janus.jcfg.
 */
export function writeJanusConfig(o: JanusConfigOptions): string {
  const libDir = o.libDir ?? findJanusLibDir();
  if (!libDir) throw new Error('Janus modules not found (apt package: janus)');
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const disable = (sub: string): string =>
    readdirSync(join(libDir, sub))
      .filter((file) => file.endsWith('.so') && !KEEP.has(file))
      .join(',');
  const q = (value: string): string => JSON.stringify(value);
  const nat =
    o.publicIp && !o.publicIp.startsWith('127.') ? `  nat_1_1_mapping = ${q(o.publicIp)}\n` : '';
  const enforce = o.iceInterfaces?.length
    ? `  ice_enforce_list = ${q(o.iceInterfaces.join(','))}\n`
    : '';
  const folders = [...new Set(['/', o.dir, ...(o.protectedFolders ?? [])])];
  const main = `general: {
  configs_folder = ${q(o.dir)}
  plugins_folder = ${q(join(libDir, 'plugins'))}
  transports_folder = ${q(join(libDir, 'transports'))}
  events_folder = ${q(join(libDir, 'events'))}
  loggers_folder = ${q(join(libDir, 'loggers'))}
  debug_level = 4
  api_secret = ${q(o.apiSecret)}
  admin_secret = ${q(o.adminSecret)}
  protected_folders = [${folders.map(q).join(', ')}]
}
certificates: {
}
media: {
  rtp_port_range = "${o.rtpPortRange.min}-${o.rtpPortRange.max}"
}
nat: {
  ignore_mdns = true
${nat}${enforce}}
plugins: {
  disable = ${q(disable('plugins'))}
}
transports: {
  disable = ${q(disable('transports'))}
}
events: {
  broadcast = false
}
loggers: {
  disable = ${q(disable('loggers'))}
}
`;
  const http = `general: {
  json = "compact"
  base_path = "/janus"
  http = true
  port = ${o.httpPort}
  ip = ${q(o.httpBind ?? '127.0.0.1')}
  https = false
}
admin: {
  admin_http = false
}
`;
  const plugin = (extra = ''): string => `general: {
  admin_key = ${q(o.pluginAdminKey)}
${extra}}
`;
  writeFileSync(join(o.dir, 'janus.jcfg'), main, { mode: 0o600 });
  writeFileSync(join(o.dir, 'janus.transport.http.jcfg'), http, { mode: 0o600 });
  writeFileSync(join(o.dir, 'janus.plugin.streaming.jcfg'), plugin(), { mode: 0o600 });
  writeFileSync(
    join(o.dir, 'janus.plugin.audiobridge.jcfg'),
    plugin('  lock_rtp_forward = true\n  lock_play_file = true\n'),
    { mode: 0o600 },
  );
  return join(o.dir, 'janus.jcfg');
}
