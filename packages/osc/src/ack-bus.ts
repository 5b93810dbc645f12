import type { AckBus, InstructionAck } from './ports.ts';

/**
 * An {@link AckBus} inside one process: `publish` calls every subscriber synchronously (a throwing
 * subscriber does not stop the others). Use a Redis-backed bus when several backends share a database.
 */
export function createInProcessAckBus(): AckBus {
  const listeners = new Set<(ack: InstructionAck) => void>();
  return {
    publish(ack) {
      for (const listener of [...listeners]) {
        try {
          listener(ack);
        } catch {
          // one broken subscriber must not hide the ack from the others
        }
      }
      return Promise.resolve();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
