// `gencaster doctor`'s check of how OSC senders prove themselves (issue 20): an unsigned sender could otherwise fake beacons and acks.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback, OSC_SECRET_FILE } from '@gencaster/osc';
import type { BackendConfig } from '../config.ts';
import type { DoctorCheck } from './doctor-check.ts';

/**
 * ok when every OSC sender must sign (GENCASTER_OSC_SECRET, or the secret generated in the data
 * dir); warn when unsigned OSC is accepted (GENCASTER_OSC_INSECURE=1), when the generated secret
 * file is readable by others, or when a non-loopback OSC address relies on the generated secret
 * (sound hosts elsewhere do not know it). Reads only; never creates the secret.
 */
export function checkOscSecurity(config: BackendConfig): DoctorCheck {
  const name = 'osc authentication';
  const { host, secret, insecure } = config.osc;
  const local = isLoopback(host);
  if (secret !== undefined)
    return { name, status: 'ok', detail: 'every OSC sender must sign (GENCASTER_OSC_SECRET)' };
  if (insecure)
    return {
      name,
      status: 'warn',
      detail: local
        ? `unsigned OSC accepted on ${host}: any local process can register stream points and acknowledge instructions (GENCASTER_OSC_INSECURE=1)`
        : `unsigned OSC accepted on ${host} from ANYONE on the network (GENCASTER_OSC_INSECURE=1)`,
      advice:
        'set GENCASTER_OSC_SECRET (at least 16 characters) on the backends and the sound hosts, and unset GENCASTER_OSC_INSECURE',
    };
  const file = join(config.dataDir, OSC_SECRET_FILE);
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // not generated yet: the first start does it
  }
  if (mode !== undefined && (mode & 0o077) !== 0)
    return {
      name,
      status: 'warn',
      detail: `${file} is readable by others (mode ${mode.toString(8)})`,
      advice: `chmod 600 ${file} (the backend also narrows it at start)`,
    };
  if (!local)
    return {
      name,
      status: 'warn',
      detail: `OSC on ${host} is signed with the secret generated in ${file}; sound hosts on other machines do not know it`,
      advice: `set GENCASTER_OSC_SECRET on the backend and every sound host (e.g. to the content of ${file})`,
    };
  return {
    name,
    status: 'ok',
    detail: `every OSC sender must sign (secret ${mode === undefined ? 'generated at the first start' : 'generated'} in ${file})`,
  };
}
