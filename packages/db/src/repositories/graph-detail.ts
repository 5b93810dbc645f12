import {
  compareDoors,
  GencasterError,
  parseInput,
  uuidSchema,
  type AudioCell,
  type Edge,
  type GraphDetail,
  type NodeDetail,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';
import { doorFromRow } from './node-doors.ts';
import { placeFromRow } from './places.ts';

/**
 * Loads a graph with its nodes (each with doors in evaluation order and cells in execution order,
 * audio cells resolved), its edges and its places, from one consistent snapshot. NOT_FOUND if missing.
 */
export async function getGraphDetail(handle: DbHandle, uuid: string): Promise<GraphDetail> {
  const id = parseInput(uuidSchema, uuid);
  return withTransaction(handle, async ({ db }) => {
    const graph = await db
      .selectFrom('graph')
      .selectAll()
      .where('uuid', '=', id)
      .executeTakeFirst();
    if (!graph) throw new GencasterError('NOT_FOUND', `graph ${id} does not exist`);
    const nodes = await db
      .selectFrom('node')
      .selectAll()
      .where('graphUuid', '=', id)
      .orderBy('createdDate')
      .orderBy('uuid')
      .execute();
    const doors = await db
      .selectFrom('nodeDoor as d')
      .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
      .selectAll('d')
      .where('n.graphUuid', '=', id)
      .execute()
      .then((rows) => rows.map(doorFromRow));
    const places = await db
      .selectFrom('place')
      .selectAll()
      .where('graphUuid', '=', id)
      .orderBy('name')
      .execute();
    const cells = await db
      .selectFrom('scriptCell as c')
      .innerJoin('node as n', 'n.uuid', 'c.nodeUuid')
      .selectAll('c')
      .where('n.graphUuid', '=', id)
      .orderBy('c.cellOrder')
      .orderBy('c.uuid')
      .execute();
    const audioCells = await db
      .selectFrom('audioCell as a')
      .innerJoin('scriptCell as c', 'c.audioCellUuid', 'a.uuid')
      .innerJoin('node as n', 'n.uuid', 'c.nodeUuid')
      .selectAll('a')
      .where('n.graphUuid', '=', id)
      .execute();
    const edges: Edge[] = await db
      .selectFrom('edge as e')
      .innerJoin('nodeDoor as d', 'd.uuid', 'e.outNodeDoorUuid')
      .innerJoin('node as n', 'n.uuid', 'd.nodeUuid')
      .selectAll('e')
      .where('n.graphUuid', '=', id)
      .orderBy('e.createdDate')
      .orderBy('e.uuid')
      .execute();
    const audioByUuid = new Map<string, AudioCell>(audioCells.map((a) => [a.uuid, a]));
    const detailNodes: NodeDetail[] = nodes.map((node) => ({
      ...node,
      nodeDoors: doors.filter((d) => d.nodeUuid === node.uuid).sort(compareDoors),
      scriptCells: cells
        .filter((c) => c.nodeUuid === node.uuid)
        .map((c) => withAudio(c, audioByUuid)),
    }));
    return { ...graph, nodes: detailNodes, edges, places: places.map(placeFromRow) };
  });
}

/** Attaches the resolved audio cell to a script cell row. */
export function withAudio<T extends { audioCellUuid: string | null }>(
  cell: T,
  audioByUuid: ReadonlyMap<string, AudioCell>,
): T & { audioCell: AudioCell | null } {
  return {
    ...cell,
    audioCell: cell.audioCellUuid ? (audioByUuid.get(cell.audioCellUuid) ?? null) : null,
  };
}
