import type { ServerRecords } from './draft.ts';

/** The editable fields of a cell as the draft tracks them. */
export interface CellRecord extends Record<string, unknown> {
  cellCode: string;
  playback: string | null;
  volume: number | null;
  audioFileUuid: string | null;
}

/** The editable fields of a door as the draft tracks them. */
export interface DoorRecord extends Record<string, unknown> {
  name: string;
  code: string;
  order: number;
  /** The door's place trigger (issue 19), compared as a whole; null: none. */
  placeTrigger: PlaceTriggerRecord | null;
}

/** A door's place trigger as the API reads and writes it. */
export interface PlaceTriggerRecord {
  kind: 'ENTER' | 'INSIDE' | 'LEAVE' | 'NEAREST';
  placeNames: string[];
  dwellSeconds: number;
  repeat: 'ONCE' | 'EVERY_VISIT';
}

interface CellLike {
  uuid: string;
  cellCode: string;
  audioCell?: { playback: string; volume: number; audioFile: { uuid: string } } | null;
}

interface DoorLike {
  uuid: string;
  name: string;
  code: string;
  order: number;
  placeTrigger?: PlaceTriggerRecord | null;
}

/** The draft-relevant fields of one cell. */
export function cellRecord(cell: CellLike): CellRecord {
  return {
    cellCode: cell.cellCode,
    playback: cell.audioCell?.playback ?? null,
    volume: cell.audioCell?.volume ?? null,
    audioFileUuid: cell.audioCell?.audioFile.uuid ?? null,
  };
}

/** The draft-relevant fields of one door. */
export function doorRecord(door: DoorLike): DoorRecord {
  const trigger = door.placeTrigger;
  return {
    name: door.name,
    code: door.code,
    order: door.order,
    // Rebuilt field by field so a stored trigger and an edited one compare equal.
    placeTrigger: trigger
      ? {
          kind: trigger.kind,
          placeNames: [...trigger.placeNames],
          dwellSeconds: trigger.dwellSeconds,
          repeat: trigger.repeat,
        }
      : null,
  };
}

/** All cells and doors (exits and entrances) of a node keyed by uuid, for {@link reconcile}. */
export function nodeRecords(node: {
  scriptCells: CellLike[];
  outNodeDoors: DoorLike[];
  inNodeDoors: DoorLike[];
}): ServerRecords {
  const records: ServerRecords = {};
  for (const cell of node.scriptCells) records[cell.uuid] = cellRecord(cell);
  for (const door of [...node.outNodeDoors, ...node.inNodeDoors])
    records[door.uuid] = doorRecord(door);
  return records;
}
