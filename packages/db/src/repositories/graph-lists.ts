import type { AudioCell, Edge, Node, ScriptCell } from '@gencaster/domain';
import type { DbHandle } from '../database.ts';

/** Every node of every graph (the original `nodes` query), by graph then creation. */
export function listAllNodes(handle: DbHandle): Promise<Node[]> {
  return handle.db
    .selectFrom('node')
    .selectAll()
    .orderBy('graphUuid')
    .orderBy('createdDate')
    .orderBy('uuid')
    .execute();
}

/** Edges whose out door belongs to a node of the graph, by creation. */
export function listEdgesOfGraph(handle: DbHandle, graphUuid: string): Promise<Edge[]> {
  return handle.db
    .selectFrom('edge as e')
    .innerJoin('nodeDoor as d', 'd.uuid', 'e.outNodeDoorUuid')
    .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
    .selectAll('e')
    .where('n.graphUuid', '=', graphUuid)
    .orderBy('e.createdDate')
    .orderBy('e.uuid')
    .execute();
}

/** Cells of a node in execution order (cell order, then uuid), without their audio settings. */
export function listCellsOfNode(handle: DbHandle, nodeUuid: string): Promise<ScriptCell[]> {
  return handle.db
    .selectFrom('scriptCell')
    .selectAll()
    .where('nodeUuid', '=', nodeUuid)
    .orderBy('cellOrder')
    .orderBy('uuid')
    .execute();
}

/** The audio cell with this uuid, or undefined. */
export function findAudioCell(handle: DbHandle, uuid: string): Promise<AudioCell | undefined> {
  return handle.db.selectFrom('audioCell').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}
