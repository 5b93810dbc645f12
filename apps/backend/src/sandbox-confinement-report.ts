// Says at start how the script sandbox is confined on this machine, so an operator learns before
// the first cell runs that scripts are refused (or run without the OS box by their opt-out).
import { inspectSandboxConfinement } from '@gencaster/story';
import type { BackendConfig } from './config.ts';
import type { Logger } from './logger.ts';

/** Logs the sandbox confinement once: info when boxed, error (refused) or warning (opt-out) if not. */
export async function reportSandboxConfinement(config: BackendConfig, log: Logger): Promise<void> {
  try {
    const found = await inspectSandboxConfinement();
    if (found.ok)
      log.info(
        { event: 'sandbox-confinement', user: found.user?.name },
        `script sandbox boxed as user ${found.user?.name}`,
      );
    else if (config.sandboxUnconfined)
      log.warn(
        { event: 'sandbox-confinement' },
        `script sandbox runs WITHOUT its OS box (GENCASTER_SANDBOX_UNCONFINED=1): ${found.reason}`,
      );
    else
      log.error(
        { event: 'sandbox-confinement' },
        `script cells are refused until the sandbox box works: ${found.reason}`,
      );
  } catch (error) {
    log.error(
      { event: 'sandbox-confinement', err: error },
      'the script sandbox runtime could not be prepared',
    );
  }
}
