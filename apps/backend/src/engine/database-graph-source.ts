import { getEntryNode, getNodeDetail, type DbHandle } from '@gencaster/db';
import { isGencasterError } from '@gencaster/domain';
import type { EngineDoor, GraphSource, NodeContents } from '@gencaster/story';

/**
 * The engine's view of a graph, read from the database. `loadNode` reads the node's cells, doors
 * and edges fresh on every entry, so an editor's change applies on the next traversal.
 */
export function createDatabaseGraphSource(handle: DbHandle, graphUuid: string): GraphSource {
  return {
    async loadGraph() {
      try {
        const entry = await getEntryNode(handle, graphUuid);
        return { uuid: graphUuid, entryNodeUuid: entry.uuid };
      } catch (error) {
        if (isGencasterError(error, 'NOT_FOUND')) return { uuid: graphUuid, entryNodeUuid: null };
        throw error;
      }
    },
    async loadNode(nodeUuid): Promise<NodeContents | null> {
      let detail;
      try {
        detail = await getNodeDetail(handle, nodeUuid);
      } catch (error) {
        if (isGencasterError(error, 'NOT_FOUND')) return null;
        throw error;
      }
      const outputDoors = detail.nodeDoors.filter((door) => door.doorType === 'output');
      const edges =
        outputDoors.length === 0
          ? []
          : await handle.db
              .selectFrom('edge')
              .innerJoin('nodeDoor', 'nodeDoor.uuid', 'edge.inNodeDoorUuid')
              .select([
                'edge.uuid as uuid',
                'edge.outNodeDoorUuid as outDoorUuid',
                'nodeDoor.nodeUuid as inNodeUuid',
              ])
              .where(
                'edge.outNodeDoorUuid',
                'in',
                outputDoors.map((door) => door.uuid),
              )
              .execute();
      const doors: EngineDoor[] = outputDoors.map((door) => ({
        uuid: door.uuid,
        name: door.name,
        order: door.order,
        isDefault: door.isDefault,
        code: door.code,
        edges: edges
          .filter((edge) => edge.outDoorUuid === door.uuid)
          .map((edge) => ({ uuid: edge.uuid, inNodeUuid: edge.inNodeUuid })),
      }));
      return {
        node: { uuid: detail.uuid, name: detail.name, isBlockingNode: detail.isBlockingNode },
        cells: detail.scriptCells.map((cell) => ({
          uuid: cell.uuid,
          cellType: cell.cellType,
          cellCode: cell.cellCode,
          cellOrder: cell.cellOrder,
          audioCell: cell.audioCell
            ? {
                audioFileUuid: cell.audioCell.audioFileUuid,
                playback: cell.audioCell.playback,
                volume: cell.audioCell.volume,
              }
            : null,
        })),
        outputDoors: doors,
      };
    },
  };
}
