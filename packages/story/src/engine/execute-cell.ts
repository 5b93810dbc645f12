// Runs one script cell by type. Throws on failure; the walk catches, logs and
// continues.
import { GencasterError } from '@gencaster/domain';
import { markdownToSsml } from '../markdown/markdown-to-ssml.ts';
import type { ScriptCapabilities, ScriptLanguage } from '../sandbox/sandbox-types.ts';
import type { EngineCell, EngineEvent, EngineOptions, EnginePorts } from './engine-types.ts';

/** What a cell needs from the walk. */
export interface CellContext {
  ports: EnginePorts;
  options: EngineOptions;
  signal: AbortSignal;
  capabilities: ScriptCapabilities;
  emit: (event: EngineEvent) => void;
}

async function runScript(
  language: ScriptLanguage,
  cell: EngineCell,
  context: CellContext,
): Promise<void> {
  if (!cell.cellCode.trim()) return;
  const { ports } = context;
  const result = await ports.sandbox.run({
    language,
    mode: 'cell',
    code: cell.cellCode,
    variables: await ports.variables.getAll(),
    capabilities: context.capabilities,
    signal: context.signal,
  });
  // Changes made before an error are kept, as in the original.
  for (const [key, value] of Object.entries(result.changed)) await ports.variables.set(key, value);
  for (const key of result.deleted) await ports.variables.delete(key);
  if (!result.ok) {
    const error = result.error;
    const where = error?.line
      ? ` at line ${error.line}${error.column ? `:${error.column}` : ''}`
      : '';
    const code = error?.kind === 'timeout' ? 'TIMEOUT' : 'SCRIPT_ERROR';
    throw new GencasterError(
      code,
      `${error?.kind ?? 'script'} error${where}: ${error?.message ?? 'unknown'}`,
      { details: { ...error } },
    );
  }
}

/** Executes `cell`; resolves when it is done (SYNC playback/speech included). */
export async function executeCell(cell: EngineCell, context: CellContext): Promise<void> {
  const { ports, signal } = context;
  switch (cell.cellType) {
    case 'comment':
      return;
    case 'python':
    case 'javascript':
      return runScript(cell.cellType, cell, context);
    case 'supercollider':
      if (!cell.cellCode.trim()) return;
      context.emit({ type: 'instruction', cellUuid: cell.uuid, kind: 'code', code: cell.cellCode });
      await ports.instructions.run({ code: cell.cellCode, signal });
      return;
    case 'audio': {
      const audio = cell.audioCell;
      if (!audio) throw new GencasterError('INVALID_INPUT', 'audio cell without an audio file');
      context.emit({ type: 'instruction', cellUuid: cell.uuid, kind: 'audio' });
      await ports.instructions.playAudio({
        audioFileUuid: audio.audioFileUuid,
        playback: audio.playback,
        volume: audio.volume,
        signal,
      });
      return;
    }
    case 'markdown': {
      if (!cell.cellCode.trim()) return;
      const variables = await ports.variables.getAll();
      const { ssml, warnings } = await markdownToSsml(cell.cellCode, {
        variables,
        ...(context.options.voices ? { voices: context.options.voices } : {}),
        execute: async (code) => {
          const result = await ports.sandbox.run({
            language: 'python',
            mode: 'cell',
            code,
            variables,
            capabilities: context.capabilities,
            signal,
          });
          // Kept even when the statement fails later on, as in a Python cell.
          for (const [key, value] of Object.entries(result.changed)) {
            await ports.variables.set(key, value);
            variables[key] = value;
          }
          for (const key of result.deleted) {
            await ports.variables.delete(key);
            delete variables[key];
          }
          if (!result.ok) throw new Error(result.error?.message ?? 'statement failed');
        },
        evaluate: async (language, code) => {
          const result = await ports.sandbox.run({
            language,
            mode: 'expression',
            code,
            variables,
            capabilities: context.capabilities,
            signal,
          });
          if (!result.ok) throw new Error(result.error?.message ?? 'expression failed');
          return typeof result.value === 'string'
            ? result.value
            : JSON.stringify(result.value ?? '');
        },
      });
      for (const warning of warnings)
        ports.logger.log({
          level: 30,
          message: `markdown cell ${cell.uuid}: ${warning}`,
          origin: 'graph_engine',
        });
      context.emit({ type: 'instruction', cellUuid: cell.uuid, kind: 'speech', ssml });
      await ports.instructions.speak({ ssml, signal });
      return;
    }
  }
}
