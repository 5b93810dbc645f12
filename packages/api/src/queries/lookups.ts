// Queries the API needs that the @gencaster/db repositories do not offer (yet).
import type { DbHandle } from '@gencaster/db';
import type { AudioCell, AudioFile, Edge, Node, ScriptCell, StreamLog } from '@gencaster/domain';
import type { AudioFileCreate } from '../data/data-access.ts';

/** Every node of every graph (the original `nodes` query), by graph then creation. */
export function listAllNodes(h: DbHandle): Promise<Node[]> {
  return h.db
    .selectFrom('node')
    .selectAll()
    .orderBy('graphUuid')
    .orderBy('createdDate')
    .orderBy('uuid')
    .execute();
}

/** Edges whose out door belongs to a node of the graph. */
export function listEdgesOfGraph(h: DbHandle, graphUuid: string): Promise<Edge[]> {
  return h.db
    .selectFrom('edge as e')
    .innerJoin('nodeDoor as d', 'd.uuid', 'e.outNodeDoorUuid')
    .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
    .selectAll('e')
    .where('n.graphUuid', '=', graphUuid)
    .orderBy('e.createdDate')
    .orderBy('e.uuid')
    .execute();
}

/** Cells of a node in execution order (cell order, then uuid). */
export function listCellsOfNode(h: DbHandle, nodeUuid: string): Promise<ScriptCell[]> {
  return h.db
    .selectFrom('scriptCell')
    .selectAll()
    .where('nodeUuid', '=', nodeUuid)
    .orderBy('cellOrder')
    .orderBy('uuid')
    .execute();
}

/** The audio cell with this uuid, or undefined. */
export function findAudioCell(h: DbHandle, uuid: string): Promise<AudioCell | undefined> {
  return h.db.selectFrom('audioCell').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

/** The log line with this uuid, or undefined. */
export function findStreamLog(h: DbHandle, uuid: string): Promise<StreamLog | undefined> {
  return h.db.selectFrom('streamLog').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

/**
 * Records an uploaded file that `@gencaster/audio` already stored under its generated name (the
 * repository's `createAudioFile` generates its own name instead, which would not match the file).
 */
export function insertStoredAudioFile(h: DbHandle, input: AudioFileCreate): Promise<AudioFile> {
  return h.db.insertInto('audioFile').values(input).returningAll().executeTakeFirstOrThrow();
}

/** Edges leaving any output door of a node, with the node each one enters. */
export function listOutEdgesOfNode(
  h: DbHandle,
  nodeUuid: string,
): Promise<{ uuid: string; outNodeDoorUuid: string; inNodeUuid: string }[]> {
  return h.db
    .selectFrom('edge as e')
    .innerJoin('nodeDoor as o', 'o.uuid', 'e.outNodeDoorUuid')
    .innerJoin('nodeDoor as i', 'i.uuid', 'e.inNodeDoorUuid')
    .select(['e.uuid', 'e.outNodeDoorUuid', 'i.nodeUuid as inNodeUuid'])
    .where('o.nodeUuid', '=', nodeUuid)
    .orderBy('e.uuid')
    .execute();
}
