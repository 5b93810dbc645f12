import { join } from 'node:path';

/** Variables of the launcher's environment a fleet child may see (locale, time zone, search path). */
const PASSED =
  /^(PATH|LANG|LANGUAGE|TZ|LC_[A-Z_]+|GST_DEBUG|GST_PLUGIN_PATH|GST_PLUGIN_SYSTEM_PATH)$/;

/**
 * The base environment of every fleet child: only locale, time zone and PATH from the launcher,
 * HOME and the XDG dirs inside the fleet's own home. Editors' SuperCollider code can read its
 * environment (`"DATABASE_URL".getenv`), so nothing of the backend's environment (database URL,
 * passwords, tokens, cloud credentials) is passed on; what a child needs is added by its caller.
 */
export function fleetChildEnv(
  home: string,
  launcherEnv: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(launcherEnv)) {
    if (value !== undefined && PASSED.test(key)) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.HOME = home;
  env.XDG_CONFIG_HOME = join(home, '.config');
  env.XDG_DATA_HOME = join(home, '.local', 'share');
  env.XDG_CACHE_HOME = join(home, '.cache');
  return env;
}
