import {
  createScriptCells,
  deleteScriptCell,
  getNode,
  getScriptCell,
  missingAsUndefined,
  updateScriptCells,
} from '@gencaster/db';
import { requireEditorWrite } from '../auth/guards.ts';
import type { AudioCellInput as DomainAudioCell } from '@gencaster/domain';
import { builder } from './builder.ts';
import { rejectInvalidCells } from './cell-check.ts';
import { CellTypeEnum, PlaybackChoicesEnum } from './enums.ts';
import { loadOrThrow } from './load.ts';
import { toPatch } from './patch.ts';
import { ScriptCellRef } from './types-graph.ts';

const AudioFileReference = builder.inputType('AudioFileReference', {
  fields: (t) => ({ uuid: t.field({ type: 'UUID', required: true }) }),
});

const AudioCellInput = builder.inputType('AudioCellInput', {
  fields: (t) => ({
    uuid: t.field({ type: 'UUID' }),
    playback: t.field({ type: PlaybackChoicesEnum, required: true }),
    audioFile: t.field({ type: AudioFileReference, required: true }),
    volume: t.float({ defaultValue: 0.2 }),
  }),
});

const ScriptCellInputCreate = builder.inputType('ScriptCellInputCreate', {
  fields: (t) => ({
    cellType: t.field({ type: CellTypeEnum, required: true }),
    cellCode: t.string({ required: true }),
    cellOrder: t.int({
      description: 'Absent or null: appended after the last cell. 0 is a valid order.',
    }),
    audioCell: t.field({ type: AudioCellInput }),
  }),
});

const ScriptCellInputUpdate = builder.inputType('ScriptCellInputUpdate', {
  fields: (t) => ({
    uuid: t.field({ type: 'UUID', required: true }),
    cellType: t.field({ type: CellTypeEnum }),
    cellCode: t.string(),
    cellOrder: t.int(),
    audioCell: t.field({ type: AudioCellInput }),
  }),
});

type AudioCellArg = {
  uuid?: string | null;
  playback: string;
  audioFile: { uuid: string };
  volume?: number | null;
};

function toAudioCell(input: AudioCellArg): DomainAudioCell {
  return {
    ...(input.uuid ? { uuid: input.uuid } : {}),
    playback: input.playback as DomainAudioCell['playback'],
    volume: input.volume ?? 0.2,
    audioFileUuid: input.audioFile.uuid,
  };
}

builder.mutationFields((t) => ({
  createScriptCells: t.field({
    type: [ScriptCellRef],
    description: 'Creates cells in one transaction (all or none).',
    args: {
      nodeUuid: t.arg({ type: 'UUID', required: true }),
      scriptCellInputs: t.arg({ type: [ScriptCellInputCreate], required: true }),
    },
    resolve: async (_root, { nodeUuid, scriptCellInputs }, ctx) => {
      requireEditorWrite(ctx);
      const node = await loadOrThrow(
        missingAsUndefined(getNode(ctx.database, nodeUuid)),
        'node',
        nodeUuid,
      );
      await rejectInvalidCells(
        ctx,
        scriptCellInputs.map((input, index) => ({ index, ...input })),
      );
      const cells = await createScriptCells(
        ctx.database,
        scriptCellInputs.map((input) => ({
          nodeUuid,
          cellType: input.cellType,
          cellCode: input.cellCode,
          ...(input.cellOrder === null || input.cellOrder === undefined
            ? {}
            : { cellOrder: input.cellOrder }),
          ...(input.audioCell ? { audioCell: toAudioCell(input.audioCell) } : {}),
        })),
      );
      await ctx.runtime.events.nodeChanged(node);
      return cells;
    },
  }),
  updateScriptCells: t.field({
    type: [ScriptCellRef],
    description:
      'Updates the given fields of cells in one transaction; returns the updated rows and broadcasts.',
    args: { scriptCellInputs: t.arg({ type: [ScriptCellInputUpdate], required: true }) },
    resolve: async (_root, { scriptCellInputs }, ctx) => {
      requireEditorWrite(ctx);
      const checks = [];
      for (const [index, input] of scriptCellInputs.entries()) {
        if (input.cellCode === null || input.cellCode === undefined) continue;
        const cellType =
          input.cellType ??
          (await missingAsUndefined(getScriptCell(ctx.database, input.uuid)))?.cellType;
        if (cellType) checks.push({ uuid: input.uuid, index, cellType, cellCode: input.cellCode });
      }
      await rejectInvalidCells(ctx, checks);
      const cells = await updateScriptCells(
        ctx.database,
        scriptCellInputs.map((input) => ({
          uuid: input.uuid,
          ...toPatch(input, ['cellType', 'cellCode', 'cellOrder']),
          ...(input.audioCell ? { audioCell: toAudioCell(input.audioCell) } : {}),
        })),
      );
      const nodeUuids = new Set(cells.map((cell) => cell.nodeUuid));
      for (const nodeUuid of nodeUuids) {
        const node = await missingAsUndefined(getNode(ctx.database, nodeUuid));
        if (node !== undefined) await ctx.runtime.events.nodeChanged(node);
      }
      return cells;
    },
  }),
  deleteScriptCell: t.field({
    type: 'Void',
    nullable: true,
    args: { scriptCellUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { scriptCellUuid }, ctx) => {
      requireEditorWrite(ctx);
      const cell = await deleteScriptCell(ctx.database, scriptCellUuid);
      const node =
        cell === undefined
          ? undefined
          : await missingAsUndefined(getNode(ctx.database, cell.nodeUuid));
      if (node !== undefined) await ctx.runtime.events.nodeChanged(node);
      return null;
    },
  }),
}));
