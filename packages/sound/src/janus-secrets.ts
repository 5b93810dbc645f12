import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets of the fleet's Janus, generated once and kept in the data dir. */
export interface JanusSecrets {
  /** Every Janus API request must carry it (`apisecret`); listeners get it from the backend. */
  apiSecret: string;
  /** Janus admin API secret. */
  adminSecret: string;
  /** Plugin `admin_key`: only the launcher may create/destroy mountpoints, rooms and forwarders. */
  pluginAdminKey: string;
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
  };
  const keys = ['apiSecret', 'adminSecret', 'pluginAdminKey'] as const;
  if (keys.some((key) => stored[key] !== secrets[key])) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/** Reads the stored secrets (for the backend, which hands `apiSecret` to listener pages). */
export function readJanusSecrets(dir: string): JanusSecrets {
  return JSON.parse(readFileSync(join(dir, JANUS_SECRETS_FILE), 'utf8')) as JanusSecrets;
}
