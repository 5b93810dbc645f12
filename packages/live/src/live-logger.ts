/** Minimal logger interface (pino-compatible) of the live runtime and the API over it. */
export interface LiveLogger {
  info(object: unknown, message?: string): void;
  warn(object: unknown, message?: string): void;
  error(object: unknown, message?: string): void;
}
