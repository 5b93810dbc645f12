import {
  createNodeDoorSchema,
  GencasterError,
  parseInput,
  sortDoors,
  updateNodeDoorSchema,
  uuidSchema,
  type CreateNodeDoorInput,
  type DoorType,
  type NodeDoor,
  type UpdateNodeDoorInput,
} from '@gencaster/domain';
import type { Selectable } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import type { NodeDoorTable } from '../schema.ts';
import { withTransaction } from '../transaction.ts';
import { checkTriggerPlaces, placeTriggerFromColumn, placeTriggerToColumn } from './places.ts';

/** A stored door row as the domain {@link NodeDoor} (its place trigger parsed). */
export function doorFromRow(row: Selectable<NodeDoorTable>): NodeDoor {
  return { ...row, placeTrigger: placeTriggerFromColumn(row.placeTrigger) };
}

/**
 * Adds a non-default door to a node. NOT_FOUND for a missing node; INVALID_INPUT when its place
 * trigger names a place the graph does not have.
 */
export async function createNodeDoor(
  handle: DbHandle,
  door: CreateNodeDoorInput,
): Promise<NodeDoor> {
  const { placeTrigger, ...input } = parseInput(createNodeDoorSchema, door);
  return withTransaction(handle, async (tx) => {
    await checkTriggerPlaces(tx, input.nodeUuid, placeTrigger);
    const row = await tx.db
      .insertInto('nodeDoor')
      .values({ ...input, isDefault: false, placeTrigger: placeTriggerToColumn(placeTrigger) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return doorFromRow(row);
  });
}

/**
 * Writes every given field; the type is only changed when given (CONFLICT if the door has edges).
 * NOT_FOUND if missing.
 */
export async function updateNodeDoor(
  handle: DbHandle,
  update: UpdateNodeDoorInput,
): Promise<NodeDoor> {
  const { uuid, placeTrigger, ...fields } = parseInput(updateNodeDoorSchema, update);
  if (Object.keys(fields).length === 0 && placeTrigger === undefined)
    return getNodeDoor(handle, uuid);
  return withTransaction(handle, async (tx) => {
    if (placeTrigger !== undefined) {
      const existing = await getNodeDoor(tx, uuid);
      await checkTriggerPlaces(tx, existing.nodeUuid, placeTrigger);
    }
    const row = await tx.db
      .updateTable('nodeDoor')
      .set({
        ...fields,
        ...(placeTrigger === undefined ? {} : { placeTrigger: placeTriggerToColumn(placeTrigger) }),
      })
      .where('uuid', '=', uuid)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new GencasterError('NOT_FOUND', `node door ${uuid} does not exist`);
    return doorFromRow(row);
  });
}

/**
 * Deletes a non-default door (and its edges). Returns false when no such door exists; CONFLICT for
 * a default door, which every node keeps.
 */
export async function deleteNodeDoor(handle: DbHandle, uuid: string): Promise<boolean> {
  const id = parseInput(uuidSchema, uuid);
  const door = await withDatabaseErrors(() =>
    handle.db.selectFrom('nodeDoor').select('isDefault').where('uuid', '=', id).executeTakeFirst(),
  );
  if (!door) return false;
  if (door.isDefault) throw new GencasterError('CONFLICT', 'a default door cannot be deleted');
  const result = await withDatabaseErrors(() =>
    handle.db
      .deleteFrom('nodeDoor')
      .where('uuid', '=', id)
      .where('isDefault', '=', false)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/** The door with this uuid, or NOT_FOUND. */
export async function getNodeDoor(handle: DbHandle, uuid: string): Promise<NodeDoor> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('nodeDoor').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node door ${id} does not exist`);
  return doorFromRow(row);
}

/** Doors of a node in evaluation order (non-default by order then name, default last). */
export async function listNodeDoors(
  handle: DbHandle,
  nodeUuid: string,
  doorType?: DoorType,
): Promise<NodeDoor[]> {
  const id = parseInput(uuidSchema, nodeUuid);
  const rows = await withDatabaseErrors(() => {
    let query = handle.db.selectFrom('nodeDoor').selectAll().where('nodeUuid', '=', id);
    if (doorType) query = query.where('doorType', '=', doorType);
    return query.execute();
  });
  return sortDoors(rows.map(doorFromRow));
}

/** The default door of a node for a type; NOT_FOUND when missing (legacy data only). */
export async function getDefaultDoor(
  handle: DbHandle,
  nodeUuid: string,
  doorType: DoorType,
): Promise<NodeDoor> {
  const id = parseInput(uuidSchema, nodeUuid);
  const row = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('nodeDoor')
      .selectAll()
      .where('nodeUuid', '=', id)
      .where('doorType', '=', doorType)
      .where('isDefault', '=', true)
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node ${id} has no default ${doorType} door`);
  return doorFromRow(row);
}
