import { randomUUID } from 'node:crypto';
import type {
  CellType,
  DoorType,
  Graph,
  GraphDetailTemplate,
  LatencyProfile,
  PlaceShape,
  PlaceTrigger,
  PlaybackChoice,
  StreamAssignmentPolicy,
} from '@gencaster/domain';
import { placeTriggerToColumn } from './places.ts';
import type { DbHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';

/** Graph fields of a {@link GraphTree} (everything but uuid and timestamps). */
export interface GraphTreeMeta {
  name: string;
  displayName: string;
  slugName: string;
  streamAssignmentPolicy: StreamAssignmentPolicy;
  latencyProfile: LatencyProfile;
  showPlacesToListeners: boolean;
  publicVisible: boolean;
  templateName: GraphDetailTemplate;
  startText: string;
  aboutText: string;
  endText: string;
}

/** A door of a {@link GraphTreeNode}; `key` is any id unique within the tree (edges refer to it). */
export interface GraphTreeDoor {
  key: string;
  doorType: DoorType;
  name: string;
  order: number;
  isDefault: boolean;
  code: string;
  placeTrigger: PlaceTrigger | null;
}

/** A place of a {@link GraphTree}; its shape must already be checked (`checkPlaceShape`). */
export interface GraphTreePlace {
  name: string;
  shape: PlaceShape;
  showToListeners: boolean;
}

/** A script cell; `audio` is set for audio cells and names an existing audio_file row. */
export interface GraphTreeCell {
  cellType: CellType;
  cellCode: string;
  cellOrder: number;
  audio: { playback: PlaybackChoice; volume: number; audioFileUuid: string } | null;
}

/** A node with its doors and cells. */
export interface GraphTreeNode {
  name: string;
  color: string;
  positionX: number;
  positionY: number;
  isEntryNode: boolean;
  isBlockingNode: boolean;
  doors: GraphTreeDoor[];
  cells: GraphTreeCell[];
}

/**
 * A graph as plain data without database ids: what duplicate, archive import and the original
 * dump conversion all write. Edges refer to door keys.
 */
export interface GraphTree {
  graph: GraphTreeMeta;
  nodes: GraphTreeNode[];
  edges: { outDoorKey: string; inDoorKey: string }[];
  places: GraphTreePlace[];
}

/** Rows written by {@link insertGraphTree}. */
export interface GraphTreeCounts {
  nodes: number;
  doors: number;
  cells: number;
  edges: number;
  places: number;
}

const chunkSize = 500;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += chunkSize) await insert(rows.slice(i, i + chunkSize));
}

/**
 * Writes a {@link GraphTree} as a new graph with fresh UUIDs, in one transaction (joins the
 * caller's). The first entry node of the tree takes over the entry node the database creates
 * with every graph; default doors take over the two default doors every new node gets, so the
 * database invariants (one entry node, one default door per type) hold throughout. A tree without
 * an entry node keeps the database's "Start" node. Edges with an unknown door key throw.
 * Node and edge creation dates follow the tree order, so reading the graph back keeps it.
 */
export async function insertGraphTree(
  handle: DbHandle,
  tree: GraphTree,
): Promise<{ graph: Graph; counts: GraphTreeCounts }> {
  return withTransaction(handle, async ({ db }) => {
    const graph = await db
      .insertInto('graph')
      .values(tree.graph)
      .returningAll()
      .executeTakeFirstOrThrow();
    const entry = await db
      .selectFrom('node')
      .select(['uuid', 'createdDate'])
      .where('graphUuid', '=', graph.uuid)
      .where('isEntryNode', '=', true)
      .executeTakeFirstOrThrow();
    // Creation dates around the entry node's keep the tree's node order when read back.
    const base = entry.createdDate.getTime();
    const entryIndex = tree.nodes.findIndex((node) => node.isEntryNode);
    const nodeUuids = tree.nodes.map((_, index) =>
      index === entryIndex ? entry.uuid : randomUUID(),
    );
    const nodeRows = tree.nodes.map((node, index) => ({
      uuid: nodeUuids[index] ?? randomUUID(),
      graphUuid: graph.uuid,
      name: node.name,
      color: node.color,
      positionX: node.positionX,
      positionY: node.positionY,
      isEntryNode: false,
      isBlockingNode: node.isBlockingNode,
      createdDate: new Date(base + index - Math.max(entryIndex, -1)),
    }));
    const entryRow = nodeRows[entryIndex];
    if (entryRow) {
      const { uuid, graphUuid: _g, isEntryNode: _e, createdDate: _c, ...fields } = entryRow;
      await db.updateTable('node').set(fields).where('uuid', '=', uuid).execute();
    }
    const newNodes = nodeRows.filter((_, index) => index !== entryIndex);
    await insertChunked(newNodes, (chunk) => db.insertInto('node').values(chunk).execute());

    // Every node now has its two default doors; map them, then adopt the tree's defaults.
    const defaults = nodeUuids.length
      ? await db
          .selectFrom('nodeDoor')
          .select(['uuid', 'nodeUuid', 'doorType'])
          .where('nodeUuid', 'in', nodeUuids)
          .where('isDefault', '=', true)
          .execute()
      : [];
    const defaultDoor = new Map(defaults.map((d) => [`${d.nodeUuid}/${d.doorType}`, d.uuid]));
    const doorUuidByKey = new Map<string, string>();
    const extraDoors: {
      uuid: string;
      nodeUuid: string;
      doorType: DoorType;
      name: string;
      order: number;
      isDefault: boolean;
      code: string;
      placeTrigger: string | null;
    }[] = [];
    let doorCount = 0;
    for (const [index, node] of tree.nodes.entries()) {
      const nodeUuid = nodeUuids[index] ?? '';
      for (const door of node.doors) {
        doorCount += 1;
        const adopt = door.isDefault ? defaultDoor.get(`${nodeUuid}/${door.doorType}`) : undefined;
        const fields = {
          name: door.name,
          order: door.order,
          code: door.code,
          placeTrigger: placeTriggerToColumn(door.placeTrigger),
        };
        if (adopt !== undefined) {
          defaultDoor.delete(`${nodeUuid}/${door.doorType}`);
          doorUuidByKey.set(door.key, adopt);
          if (
            door.name !== 'default' ||
            door.order !== 0 ||
            door.code !== 'True' ||
            door.placeTrigger !== null
          ) {
            await db.updateTable('nodeDoor').set(fields).where('uuid', '=', adopt).execute();
          }
        } else {
          const uuid = randomUUID();
          doorUuidByKey.set(door.key, uuid);
          // A second default door of one type (legacy data) becomes an ordinary door.
          extraDoors.push({ uuid, nodeUuid, doorType: door.doorType, isDefault: false, ...fields });
        }
      }
    }
    await insertChunked(extraDoors, (chunk) => db.insertInto('nodeDoor').values(chunk).execute());

    const audioRows: {
      uuid: string;
      playback: PlaybackChoice;
      volume: number;
      audioFileUuid: string;
    }[] = [];
    const cellRows: {
      nodeUuid: string;
      cellType: CellType;
      cellCode: string;
      cellOrder: number;
      audioCellUuid: string | null;
    }[] = [];
    for (const [index, node] of tree.nodes.entries()) {
      for (const cell of node.cells) {
        const audioCellUuid = cell.audio ? randomUUID() : null;
        if (cell.audio && audioCellUuid) audioRows.push({ uuid: audioCellUuid, ...cell.audio });
        cellRows.push({
          nodeUuid: nodeUuids[index] ?? '',
          cellType: cell.cellType,
          cellCode: cell.cellCode,
          cellOrder: cell.cellOrder,
          audioCellUuid,
        });
      }
    }
    await insertChunked(audioRows, (chunk) => db.insertInto('audioCell').values(chunk).execute());
    await insertChunked(cellRows, (chunk) => db.insertInto('scriptCell').values(chunk).execute());

    const edgeRows = tree.edges.map((edge, index) => {
      const outNodeDoorUuid = doorUuidByKey.get(edge.outDoorKey);
      const inNodeDoorUuid = doorUuidByKey.get(edge.inDoorKey);
      if (outNodeDoorUuid === undefined || inNodeDoorUuid === undefined) {
        throw new Error(`edge ${edge.outDoorKey} → ${edge.inDoorKey} names an unknown door`);
      }
      return { outNodeDoorUuid, inNodeDoorUuid, createdDate: new Date(base + index) };
    });
    await insertChunked(edgeRows, (chunk) => db.insertInto('edge').values(chunk).execute());
    const placeRows = tree.places.map((place) => ({
      graphUuid: graph.uuid,
      name: place.name,
      shape: JSON.stringify(place.shape),
      showToListeners: place.showToListeners,
    }));
    await insertChunked(placeRows, (chunk) => db.insertInto('place').values(chunk).execute());
    const counts = {
      places: placeRows.length,
      nodes: tree.nodes.length,
      doors: doorCount,
      cells: cellRows.length,
      edges: edgeRows.length,
    };
    return { graph, counts };
  });
}
