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
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/** Adds a non-default door to a node. NOT_FOUND for a missing node. */
export async function createNodeDoor(
  handle: DbHandle,
  door: CreateNodeDoorInput,
): Promise<NodeDoor> {
  const input = parseInput(createNodeDoorSchema, door);
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('nodeDoor')
      .values({ ...input, isDefault: false })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/**
 * Writes every given field; the type is only changed when given (CONFLICT if the door has edges).
 * NOT_FOUND if missing.
 */
export async function updateNodeDoor(
  handle: DbHandle,
  update: UpdateNodeDoorInput,
): Promise<NodeDoor> {
  const { uuid, ...fields } = parseInput(updateNodeDoorSchema, update);
  if (Object.keys(fields).length === 0) return getNodeDoor(handle, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db
      .updateTable('nodeDoor')
      .set(fields)
      .where('uuid', '=', uuid)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node door ${uuid} does not exist`);
  return row;
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
  return row;
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
  return sortDoors(rows);
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
  return row;
}
