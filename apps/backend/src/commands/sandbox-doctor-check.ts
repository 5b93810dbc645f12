// `gencaster doctor`'s check of the script sandbox's OS box (see @gencaster/story sandbox-box).
import { inspectSandboxConfinement } from '@gencaster/story';
import type { BackendConfig } from '../config.ts';
import type { DoctorCheck } from './doctor-check.ts';

/** ok when the box holds; fail when it cannot be set up (scripts refused, or unboxed by opt-out). */
export async function checkSandboxBox(config: BackendConfig): Promise<DoctorCheck> {
  const name = 'script sandbox box';
  try {
    const found = await inspectSandboxConfinement();
    if (found.ok)
      return {
        name,
        status: 'ok',
        detail: `bubblewrap, user ${found.user?.name}, no network, no processes`,
      };
    return {
      name,
      status: 'fail',
      detail: config.sandboxUnconfined
        ? 'not available: scripts run WITHOUT the OS box (GENCASTER_SANDBOX_UNCONFINED=1)'
        : 'not available: script cells are refused',
      advice: found.reason ?? 'install bubblewrap',
    };
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: `runtime files could not be prepared: ${(error as Error).message}`,
      advice: 'check that the temporary directory is writable and run npm install again',
    };
  }
}
