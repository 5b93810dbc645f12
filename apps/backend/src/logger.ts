import { pino, type Logger } from 'pino';

export type { Logger };

let root: Logger | undefined;

/** Configures the process-wide JSON logger once; later calls return the same instance. */
export function configureLogging(level: string): Logger {
  root = pino({ level, base: { service: 'gencaster' }, timestamp: pino.stdTimeFunctions.isoTime });
  return root;
}

/** A named child logger (`createLogger('osc')`), so every line says which part wrote it. */
export function createLogger(name: string): Logger {
  root ??= configureLogging(process.env.LOG_LEVEL ?? 'info');
  return root.child({ name });
}
