import type { ScriptSandbox } from '@gencaster/story';
import type { Counter } from './metrics-registry.ts';

/**
 * Wraps a script sandbox so that runs killed by a limit are counted in `kills`, labelled
 * `reason`: `time` (CPU or wall-time limit), `memory` (heap limit) or `crash` (the worker died).
 * Results are returned unchanged.
 */
export function observeSandbox(sandbox: ScriptSandbox, kills: Counter): ScriptSandbox {
  return {
    async run(request) {
      const result = await sandbox.run(request);
      const kind = result.error?.kind;
      if (kind === 'timeout') kills.inc({ reason: 'time', language: request.language });
      else if (kind === 'memory') kills.inc({ reason: 'memory', language: request.language });
      else if (kind === 'crashed') kills.inc({ reason: 'crash', language: request.language });
      return result;
    },
    checkSyntax: (request) => sandbox.checkSyntax(request),
    warmUp: (languages) => sandbox.warmUp(languages),
    close: () => sandbox.close(),
    [Symbol.asyncDispose]: () => sandbox.close(),
  };
}
