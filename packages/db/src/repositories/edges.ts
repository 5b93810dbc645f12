import {
  createEdgeSchema,
  GencasterError,
  parseInput,
  uuidSchema,
  type CreateEdgeInput,
  type Edge,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';

/**
 * Connects an output door to an input door of the same graph. The database checks the door types
 * and the graph (CONFLICT), duplicates (CONFLICT) and missing doors (NOT_FOUND).
 */
export async function createEdge(handle: DbHandle, edge: CreateEdgeInput): Promise<Edge> {
  const input = parseInput(createEdgeSchema, edge);
  return withDatabaseErrors(() =>
    handle.db.insertInto('edge').values(input).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Deletes an edge; returns it, or undefined when it did not exist (not an error). */
export async function deleteEdge(handle: DbHandle, uuid: string): Promise<Edge | undefined> {
  const id = parseInput(uuidSchema, uuid);
  return withDatabaseErrors(() =>
    handle.db.deleteFrom('edge').where('uuid', '=', id).returningAll().executeTakeFirst(),
  );
}

/** The edge with this uuid, or NOT_FOUND. */
export async function getEdge(handle: DbHandle, uuid: string): Promise<Edge> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('edge').selectAll().where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `edge ${id} does not exist`);
  return row;
}

/** Edges leaving through an output door (the engine picks one at random). */
export async function listOutEdges(handle: DbHandle, outNodeDoorUuid: string): Promise<Edge[]> {
  const id = parseInput(uuidSchema, outNodeDoorUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('edge')
      .selectAll()
      .where('outNodeDoorUuid', '=', id)
      .orderBy('createdDate')
      .orderBy('uuid')
      .execute(),
  );
}

/** Edges arriving at or leaving any door of a node (for "node changed" broadcasts). */
export async function listNodeEdges(handle: DbHandle, nodeUuid: string): Promise<Edge[]> {
  const id = parseInput(uuidSchema, nodeUuid);
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('edge as e')
      .selectAll('e')
      .where((outer) =>
        outer.exists(
          outer
            .selectFrom('nodeDoor as d')
            .select('d.uuid')
            .where('d.nodeUuid', '=', id)
            .where((eb) =>
              eb.or([
                eb('d.uuid', '=', eb.ref('e.inNodeDoorUuid')),
                eb('d.uuid', '=', eb.ref('e.outNodeDoorUuid')),
              ]),
            ),
        ),
      )
      .execute(),
  );
}

/** Edges leaving any output door of a node, with the node each one enters (by edge uuid). */
export async function listOutEdgesOfNode(
  handle: DbHandle,
  nodeUuid: string,
): Promise<{ uuid: string; outNodeDoorUuid: string; inNodeUuid: string }[]> {
  return handle.db
    .selectFrom('edge as e')
    .innerJoin('nodeDoor as o', 'o.uuid', 'e.outNodeDoorUuid')
    .innerJoin('nodeDoor as i', 'i.uuid', 'e.inNodeDoorUuid')
    .select(['e.uuid', 'e.outNodeDoorUuid', 'i.nodeUuid as inNodeUuid'])
    .where('o.nodeUuid', '=', nodeUuid)
    .orderBy('e.uuid')
    .execute();
}
