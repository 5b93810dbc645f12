import {
  createNodeSchema,
  GencasterError,
  parseInput,
  updateNodeSchema,
  uuidSchema,
  type AudioCell,
  type CreateNodeInput,
  type Node,
  type NodeDetail,
  type UpdateNodeInput,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';
import { withAudio } from './graph-detail.ts';
import { listNodeDoors } from './node-doors.ts';

/** Creates a node; the database adds its default input and output doors. NOT_FOUND for a missing graph. */
export async function createNode(handle: DbHandle, node: CreateNodeInput): Promise<Node> {
  const input = parseInput(createNodeSchema, node);
  return withDatabaseErrors(() =>
    handle.db.insertInto('node').values(input).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Writes every given field (absent = keep; 0 and '' are written). NOT_FOUND if missing. */
export async function updateNode(handle: DbHandle, update: UpdateNodeInput): Promise<Node> {
  const { uuid, ...fields } = parseInput(updateNodeSchema, update);
  if (Object.keys(fields).length === 0) return getNode(handle, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db
      .updateTable('node')
      .set(fields)
      .where('uuid', '=', uuid)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node ${uuid} does not exist`);
  return row;
}

/**
 * Deletes a node with its doors, cells and edges. NOT_FOUND if missing; CONFLICT for the entry node
 * (the database refuses it).
 */
export async function deleteNode(handle: DbHandle, uuid: string): Promise<Node> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.deleteFrom('node').where('uuid', '=', id).returningAll().executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node ${id} does not exist`);
  return row;
}

/** The node with this uuid, or NOT_FOUND. */
export async function getNode(handle: DbHandle, uuid: string): Promise<Node> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('node').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `node ${id} does not exist`);
  return row;
}

/** Nodes of a graph in creation order. */
export async function listNodes(handle: DbHandle, graphUuid: string): Promise<Node[]> {
  const id = parseInput(uuidSchema, graphUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('node')
      .selectAll()
      .where('graphUuid', '=', id)
      .orderBy('createdDate')
      .orderBy('uuid')
      .execute(),
  );
}

/** A node with its doors (evaluation order) and script cells (execution order, audio resolved). */
export async function getNodeDetail(handle: DbHandle, uuid: string): Promise<NodeDetail> {
  return withTransaction(handle, async (tx) => {
    const node = await getNode(tx, uuid);
    const nodeDoors = await listNodeDoors(tx, node.uuid);
    const cells = await tx.db
      .selectFrom('scriptCell')
      .selectAll()
      .where('nodeUuid', '=', node.uuid)
      .orderBy('cellOrder')
      .orderBy('uuid')
      .execute();
    const audioIds = cells.flatMap((c) => (c.audioCellUuid ? [c.audioCellUuid] : []));
    const audioCells: AudioCell[] =
      audioIds.length === 0
        ? []
        : await tx.db.selectFrom('audioCell').selectAll().where('uuid', 'in', audioIds).execute();
    const byUuid = new Map(audioCells.map((a) => [a.uuid, a]));
    return { ...node, nodeDoors, scriptCells: cells.map((c) => withAudio(c, byUuid)) };
  });
}
