import {
  createScriptCellSchema,
  GencasterError,
  parseInput,
  updateScriptCellSchema,
  uuidSchema,
  type AudioCell,
  type CreateScriptCellInput,
  type ScriptCellWithAudio,
  type UpdateScriptCellInput,
} from '@gencaster/domain';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { audioCellSchema } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';

type AudioCellValues = z.output<typeof audioCellSchema>;

/** Inserts or (with `uuid`, or when `current` is set) updates an audio cell. */
async function saveAudioCell(
  tx: DbHandle,
  values: AudioCellValues,
  current: string | null = null,
): Promise<AudioCell> {
  const target = values.uuid ?? current;
  const fields = {
    playback: values.playback,
    audioFileUuid: values.audioFileUuid,
    volume: values.volume,
  };
  if (!target) {
    return tx.db.insertInto('audioCell').values(fields).returningAll().executeTakeFirstOrThrow();
  }
  const row = await tx.db
    .updateTable('audioCell')
    .set(fields)
    .where('uuid', '=', target)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new GencasterError('NOT_FOUND', `audio cell ${target} does not exist`);
  return row;
}

/**
 * Creates a script cell (and its audio cell). Absent `cellOrder` appends after the node's last cell
 * (an explicit 0 is kept). NOT_FOUND for a missing node or audio file.
 */
export async function createScriptCell(
  handle: DbHandle,
  cell: CreateScriptCellInput,
): Promise<ScriptCellWithAudio> {
  const input = parseInput(createScriptCellSchema, cell);
  return withTransaction(handle, async (tx) => {
    const audioCell = input.audioCell ? await saveAudioCell(tx, input.audioCell) : null;
    const cellOrder =
      input.cellOrder ??
      sql<number>`(select coalesce(max(cell_order) + 1, 0) from script_cell where node_uuid = ${input.nodeUuid})`;
    const row = await tx.db
      .insertInto('scriptCell')
      .values({
        nodeUuid: input.nodeUuid,
        cellType: input.cellType,
        cellCode: input.cellCode,
        cellOrder,
        audioCellUuid: audioCell?.uuid ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...row, audioCell };
  });
}

/** Creates several cells in one transaction (all or nothing), in the given order. */
export async function createScriptCells(
  handle: DbHandle,
  cells: readonly CreateScriptCellInput[],
): Promise<ScriptCellWithAudio[]> {
  const inputs = cells.map((c) => parseInput(createScriptCellSchema, c));
  return withTransaction(handle, async (tx) => {
    const created: ScriptCellWithAudio[] = [];
    for (const input of inputs) created.push(await createScriptCell(tx, input));
    return created;
  });
}

/**
 * Writes every given field of a cell (absent = keep; '' and 0 are written). `audioCell` updates the
 * cell's audio cell in place (no duplicate), `null` detaches and deletes it (CONFLICT for an audio
 * cell). Returns the cell after the update.
 */
export async function updateScriptCell(
  handle: DbHandle,
  update: UpdateScriptCellInput,
): Promise<ScriptCellWithAudio> {
  const { uuid, audioCell, ...fields } = parseInput(updateScriptCellSchema, update);
  return withTransaction(handle, async (tx) => {
    const current = await tx.db
      .selectFrom('scriptCell')
      .select('audioCellUuid')
      .where('uuid', '=', uuid)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new GencasterError('NOT_FOUND', `script cell ${uuid} does not exist`);
    let audioCellUuid = current.audioCellUuid;
    if (audioCell === null) audioCellUuid = null;
    else if (audioCell)
      audioCellUuid = (await saveAudioCell(tx, audioCell, current.audioCellUuid)).uuid;
    await tx.db
      .updateTable('scriptCell')
      .set({ ...fields, audioCellUuid })
      .where('uuid', '=', uuid)
      .execute();
    return getScriptCell(tx, uuid);
  });
}

/** Updates several cells in one transaction and returns them after the update. */
export async function updateScriptCells(
  handle: DbHandle,
  updates: readonly UpdateScriptCellInput[],
): Promise<ScriptCellWithAudio[]> {
  const inputs = updates.map((u) => parseInput(updateScriptCellSchema, u));
  return withTransaction(handle, async (tx) => {
    const updated: ScriptCellWithAudio[] = [];
    for (const input of inputs) updated.push(await updateScriptCell(tx, input));
    return updated;
  });
}

/** Deletes a cell (and its audio cell); returns the deleted cell, or undefined if missing. */
export async function deleteScriptCell(
  handle: DbHandle,
  uuid: string,
): Promise<ScriptCellWithAudio | undefined> {
  const id = parseInput(uuidSchema, uuid);
  return withTransaction(handle, async (tx) => {
    const cell = await findScriptCell(tx, id);
    if (!cell) return undefined;
    await tx.db.deleteFrom('scriptCell').where('uuid', '=', id).execute();
    return cell;
  });
}

async function findScriptCell(
  handle: DbHandle,
  id: string,
): Promise<ScriptCellWithAudio | undefined> {
  const row = await handle.db
    .selectFrom('scriptCell')
    .selectAll()
    .where('uuid', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const audioCell = row.audioCellUuid
    ? ((await handle.db
        .selectFrom('audioCell')
        .selectAll()
        .where('uuid', '=', row.audioCellUuid)
        .executeTakeFirst()) ?? null)
    : null;
  return { ...row, audioCell };
}

/** The cell with its audio cell, or NOT_FOUND. */
export async function getScriptCell(handle: DbHandle, uuid: string): Promise<ScriptCellWithAudio> {
  const id = parseInput(uuidSchema, uuid);
  const cell = await withDatabaseErrors(() => findScriptCell(handle, id));
  if (!cell) throw new GencasterError('NOT_FOUND', `script cell ${id} does not exist`);
  return cell;
}
