import {
  fieldLimits,
  GencasterError,
  parseInput,
  slugify,
  uuidSchema,
  type Graph,
  type GraphDetail,
} from '@gencaster/domain';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { withTransaction } from '../transaction.ts';
import { getGraphDetail } from './graph-detail.ts';
import { insertGraphTree, type GraphTree, type GraphTreeCounts } from './graph-tree.ts';

export {
  insertGraphTree,
  type GraphTree,
  type GraphTreeCounts,
  type GraphTreeMeta,
  type GraphTreeNode,
  type GraphTreeDoor,
  type GraphTreeCell,
  type GraphTreePlace,
} from './graph-tree.ts';

/** A graph as a {@link GraphTree}; door keys are the door UUIDs. Nodes keep the detail order. */
export function graphTreeFromDetail(detail: GraphDetail): GraphTree {
  return {
    graph: {
      name: detail.name,
      displayName: detail.displayName,
      slugName: detail.slugName,
      streamAssignmentPolicy: detail.streamAssignmentPolicy,
      latencyProfile: detail.latencyProfile,
      showPlacesToListeners: detail.showPlacesToListeners,
      publicVisible: detail.publicVisible,
      templateName: detail.templateName,
      startText: detail.startText,
      aboutText: detail.aboutText,
      endText: detail.endText,
    },
    nodes: detail.nodes.map((node) => ({
      name: node.name,
      color: node.color,
      positionX: node.positionX,
      positionY: node.positionY,
      isEntryNode: node.isEntryNode,
      isBlockingNode: node.isBlockingNode,
      doors: node.nodeDoors.map((door) => ({
        key: door.uuid,
        doorType: door.doorType,
        name: door.name,
        order: door.order,
        isDefault: door.isDefault,
        code: door.code,
        placeTrigger: door.placeTrigger,
      })),
      cells: node.scriptCells.map((cell) => ({
        cellType: cell.cellType,
        cellCode: cell.cellCode,
        cellOrder: cell.cellOrder,
        audio: cell.audioCell
          ? {
              playback: cell.audioCell.playback,
              volume: cell.audioCell.volume,
              audioFileUuid: cell.audioCell.audioFileUuid,
            }
          : null,
      })),
    })),
    edges: detail.edges.map((edge) => ({
      outDoorKey: edge.outNodeDoorUuid,
      inDoorKey: edge.inNodeDoorUuid,
    })),
    places: detail.places.map((place) => ({
      name: place.name,
      shape: place.shape,
      showToListeners: place.showToListeners,
    })),
  };
}

/** Options of {@link findFreeGraphName}. */
export interface FreeGraphNameOptions {
  /** Word of the suffix: `base (copy)`, `base (copy 2)`, …; default "copy". */
  suffix?: string;
  /** Try `base` itself first (default true); false always adds the suffix. */
  keepBase?: boolean;
}

/** True when a graph already has this name or this slug (both are unique). */
export async function isGraphNameTaken(
  handle: DbHandle,
  name: string,
  slugName: string,
): Promise<boolean> {
  const taken = await handle.db
    .selectFrom('graph')
    .select('uuid')
    .where((eb) => eb.or([eb('name', '=', name), eb('slugName', '=', slugName)]))
    .executeTakeFirst();
  return taken !== undefined;
}

/**
 * A graph name and slug that are both free, derived from `base`: `base` itself when free (see
 * `keepBase`), else `base (copy)`, `base (copy 2)`, … Names are cut to the column size.
 */
export async function findFreeGraphName(
  handle: DbHandle,
  base: string,
  options: FreeGraphNameOptions = {},
): Promise<{ name: string; slugName: string }> {
  const suffix = options.suffix ?? 'copy';
  const trimmed = base.trim() || 'graph';
  for (let attempt = options.keepBase === false ? 1 : 0; attempt < 1000; attempt += 1) {
    const tail = attempt === 0 ? '' : attempt === 1 ? ` (${suffix})` : ` (${suffix} ${attempt})`;
    const name = trimmed.slice(0, fieldLimits.graphName - tail.length) + tail;
    const slugName = slugify(name) || `graph-${attempt}`;
    const taken = await withDatabaseErrors(() => isGraphNameTaken(handle, name, slugName));
    if (!taken) return { name, slugName };
  }
  throw new GencasterError('CONFLICT', `no free name found for "${trimmed}"`);
}

/** Options of {@link duplicateGraph}. */
export interface DuplicateGraphOptions {
  /** Name of the copy; default "<name> (copy)" (then "(copy 2)", …). Must be free if given. */
  name?: string;
}

/**
 * Copies a graph with its nodes, doors (with place triggers), cells (audio cells get their own
 * rows, sharing the audio files), edges and places under fresh UUIDs and a new unique name and slug, in one transaction.
 * NOT_FOUND when the graph does not exist; CONFLICT when an explicit `name` is taken.
 */
export async function duplicateGraph(
  handle: DbHandle,
  uuid: string,
  options: DuplicateGraphOptions = {},
): Promise<{ graph: Graph; counts: GraphTreeCounts }> {
  return withTransaction(handle, async (tx) => {
    const detail = await getGraphDetail(tx, uuid);
    const tree = graphTreeFromDetail(detail);
    const free =
      options.name === undefined
        ? await findFreeGraphName(tx, detail.name, { keepBase: false })
        : { name: options.name, slugName: slugify(options.name) };
    const displayName = options.name === undefined ? `${detail.displayName} (copy)` : options.name;
    tree.graph = {
      ...tree.graph,
      ...free,
      displayName: displayName.slice(0, fieldLimits.graphDisplayName),
    };
    return insertGraphTree(tx, tree);
  });
}

/** Options of {@link deleteIdleGraph}. */
export interface DeleteIdleGraphResult {
  /** False when the graph did not exist. */
  deleted: boolean;
}

/**
 * Deletes a graph with its nodes, doors, cells and edges and its ended streams — but only when
 * no stream of it is active (listeners are walking it): then CONFLICT, with
 * `details.activeStreams`. The check and the delete are one statement, so a stream that starts
 * concurrently either blocks the delete or is refused by its foreign key.
 */
export async function deleteIdleGraph(
  handle: DbHandle,
  uuid: string,
): Promise<DeleteIdleGraphResult> {
  const id = parseInput(uuidSchema, uuid);
  return withTransaction(handle, async ({ db }) => {
    const result = await db
      .deleteFrom('graph')
      .where('uuid', '=', id)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('stream')
              .select(sql<number>`1`.as('one'))
              .where('stream.graphUuid', '=', id)
              .where('stream.active', '=', true),
          ),
        ),
      )
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) return { deleted: true };
    const graph = await db
      .selectFrom('graph')
      .select('uuid')
      .where('uuid', '=', id)
      .executeTakeFirst();
    if (!graph) return { deleted: false };
    const active = await db
      .selectFrom('stream')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('graphUuid', '=', id)
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    throw new GencasterError(
      'CONFLICT',
      `the graph has ${Number(active.n)} active stream(s): wait until its listeners have left`,
      { details: { activeStreams: Number(active.n) } },
    );
  });
}
