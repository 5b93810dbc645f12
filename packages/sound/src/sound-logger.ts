/**
 * The structured logger the sound fleet writes to: a pino-compatible subset, so the backend can pass
 * `createLogger('sound')` and tests can pass a small collector. `packages/sound` imports no
 * `@gencaster` package, hence this local interface.
 */
export interface SoundLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (for callers that do not care). */
export const silentSoundLogger: SoundLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
