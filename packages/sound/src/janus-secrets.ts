import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets of the fleet's Janus, generated once and kept in the data dir. */
export interface JanusSecrets {
  /**
   * Every Janus API request must carry it (`apisecret`). Only the launcher and the backends' Janus
   * gateway hold it; browsers never get it (the gateway adds it to the requests it lets through).
   */
  apiSecret: string;
  /** Janus admin API secret. */
  adminSecret: string;
  /** Plugin `admin_key`: only the launcher may create/destroy mountpoints, rooms and forwarders. */
  pluginAdminKey: string;
  /**
   * Key from which every mountpoint's and room's `secret` and `pin` are derived
   * ({@link janusMountCredentials}): the launcher creates them with it, the backend's gateway adds
   * the pin to a listener's `watch`/`join`. Shared like the API secret by every sound host.
   */
  mountKey: string;
}

/** Secret (edit/destroy/recording) and pin (watch/join) of one mountpoint and its room. */
export interface JanusMountCredentials {
  secret: string;
  pin: string;
}

/**
 * The `secret` and `pin` of mountpoint/room `room`, derived from the mount key (HMAC-SHA256), so
 * the launcher and every backend agree on them without storing one value per room.
 */
export function janusMountCredentials(mountKey: string, room: number): JanusMountCredentials {
  const derive = (purpose: string): string =>
    createHmac('sha256', mountKey).update(`${purpose}:${room}`).digest('hex').slice(0, 40);
  return { secret: derive('secret'), pin: derive('pin') };
}

/** File name of the secrets inside the data dir. */
export const JANUS_SECRETS_FILE = 'janus-secrets.json';

/**
 * Reads `<dir>/janus-secrets.json`, creating it (mode 0600, random 24-byte hex values) on first use.
 * Explicit values in `overrides` win and are stored.
 */
export function loadOrCreateJanusSecrets(
  dir: string,
  overrides: Partial<JanusSecrets> = {},
): JanusSecrets {
  const file = join(dir, JANUS_SECRETS_FILE);
  let stored: Partial<JanusSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<JanusSecrets>;
  } catch {
    // first start
  }
  const fresh = (): string => randomBytes(24).toString('hex');
  const secrets: JanusSecrets = {
    apiSecret: overrides.apiSecret ?? stored.apiSecret ?? fresh(),
    adminSecret: overrides.adminSecret ?? stored.adminSecret ?? fresh(),
    pluginAdminKey: overrides.pluginAdminKey ?? stored.pluginAdminKey ?? fresh(),
    mountKey: overrides.mountKey ?? stored.mountKey ?? fresh(),
  };
  const keys = ['apiSecret', 'adminSecret', 'pluginAdminKey', 'mountKey'] as const;
  if (keys.some((key) => stored[key] !== secrets[key])) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/** Reads the stored secrets (for the backend's Janus gateway, which adds them to requests itself). */
export function readJanusSecrets(dir: string): JanusSecrets {
  return JSON.parse(readFileSync(join(dir, JANUS_SECRETS_FILE), 'utf8')) as JanusSecrets;
}
