// Builds the capability API a script run gets from the engine's ports.
import { GencasterError } from '@gencaster/domain';
import { normalizeDialog } from '../dialog.ts';
import type { ScriptCapabilities } from '../sandbox/sandbox-types.ts';
import type { EngineEvent, EnginePorts } from './engine-types.ts';

const levels = { debug: 10, info: 20, warning: 30, error: 40 } as const;

/** Capabilities for one listener's scripts: variables, sleep, log and dialogs through the ports. */
export function createScriptCapabilities(
  ports: EnginePorts,
  emit: (event: EngineEvent) => void,
): ScriptCapabilities {
  return {
    waitForVariable: async (name, timeoutMs, signal) => {
      try {
        return await ports.variables.waitFor(name, timeoutMs, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new GencasterError(
          'TIMEOUT',
          `TIMEOUT: stream variable "${name}" did not appear within ${timeoutMs / 1000} s`,
          { cause: error },
        );
      }
    },
    sleep: (ms, signal) => ports.clock.sleep(ms, signal),
    getVariables: () => ports.variables.getAll(),
    log: (level, message) =>
      ports.logger.log({
        level: levels[level],
        message: `script: ${message}`,
        origin: 'graph_engine',
      }),
    emitDialog: async (raw) => {
      const dialog = normalizeDialog(raw);
      if (!dialog) {
        ports.logger.log({
          level: 30,
          message: 'script yielded something that is not a Dialog; ignored',
          origin: 'graph_engine',
        });
        return;
      }
      emit({ type: 'dialog', dialog });
      await ports.dialogs.show(dialog);
    },
  };
}
