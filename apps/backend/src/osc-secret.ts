import { loadOrCreateOscSecret } from '@gencaster/osc';
import type { BackendConfig } from './config.ts';

/**
 * The config with its OSC secret settled: GENCASTER_OSC_SECRET when set, else the one generated in
 * the data dir (`<dataDir>/osc-secret`, 0600), so a local fleet signs everything out of the box.
 * The backend and a launcher of the same data dir (`npm start` runs both, `gencaster sound` beside
 * it) end up with the same secret. With GENCASTER_OSC_INSECURE=1 and no explicit secret nothing is
 * generated: OSC stays unsigned (original clients on a trusted network).
 */
export function resolveOscSecret(config: BackendConfig): BackendConfig {
  if (config.osc.secret !== undefined || config.osc.insecure) return config;
  return { ...config, osc: { ...config.osc, secret: loadOrCreateOscSecret(config.dataDir) } };
}
