import type { AudioCell, Edge, Graph, Node, NodeDoor, ScriptCell } from '@gencaster/domain';
import {
  findAudioCell,
  getAudioFile,
  getNode,
  getNodeDoor,
  listCellsOfNode,
  listEdgesOfGraph,
  listNodeDoors,
  listNodes,
  listPlaces,
  missingAsUndefined,
} from '@gencaster/db';
import { requireEditor } from '../auth/guards.ts';
import { builder } from './builder.ts';
import {
  CellTypeEnum,
  DoorTypeEnum,
  GraphDetailTemplateEnum,
  LatencyProfileEnum,
  PlaybackChoicesEnum,
  StreamAssignmentPolicyEnum,
} from './enums.ts';
import { AudioFileRef } from './types-audio.ts';
import { PlaceRef, PlaceTriggerRef } from './types-place.ts';
import { loadOrThrow } from './load.ts';

/** GraphQL type of a story graph; its nodes and edges (which carry code) need an editor. */
export const GraphRef = builder.objectRef<Graph>('Graph');
/** GraphQL type of a node. */
export const NodeRef = builder.objectRef<Node>('Node');
/** GraphQL type of a node door. */
export const NodeDoorRef = builder.objectRef<NodeDoor>('NodeDoor');
/** GraphQL type of an edge between an OUTPUT and an INPUT door. */
export const EdgeRef = builder.objectRef<Edge>('Edge');
/** GraphQL type of a script cell. */
export const ScriptCellRef = builder.objectRef<ScriptCell>('ScriptCell');
/** GraphQL type of an audio cell's playback settings. */
export const AudioCellRef = builder.objectRef<AudioCell>('AudioCell');

GraphRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    name: t.exposeString('name'),
    displayName: t.exposeString('displayName'),
    slugName: t.exposeString('slugName'),
    streamAssignmentPolicy: t.field({
      type: StreamAssignmentPolicyEnum,
      resolve: (graph) => graph.streamAssignmentPolicy,
    }),
    latencyProfile: t.field({
      type: LatencyProfileEnum,
      description:
        'New: how listeners buffer the stream (readable by anonymous listeners: the player applies it).',
      resolve: (graph) => graph.latencyProfile,
    }),
    showPlacesToListeners: t.exposeBoolean('showPlacesToListeners', {
      description:
        'New (issue 19): the listener page shows the places marked showToListeners (readable by anonymous listeners).',
    }),
    places: t.field({
      type: [PlaceRef],
      description:
        'New (issue 19): the places of the graph by name. Editors get all; anyone else gets those marked showToListeners when the graph shows places to listeners, else none.',
      resolve: async (graph, _args, ctx) => {
        const places = await listPlaces(ctx.database, graph.uuid);
        const viewer = ctx.viewer;
        if (viewer !== null && (viewer.role === 'editor' || viewer.role === 'admin')) return places;
        return graph.showPlacesToListeners ? places.filter((p) => p.showToListeners) : [];
      },
    }),
    publicVisible: t.exposeBoolean('publicVisible'),
    templateName: t.field({ type: GraphDetailTemplateEnum, resolve: () => 'default' as const }),
    startText: t.exposeString('startText'),
    aboutText: t.exposeString('aboutText'),
    endText: t.exposeString('endText'),
    nodes: t.field({
      type: [NodeRef],
      resolve: (graph, _args, ctx) => {
        requireEditor(ctx);
        return listNodes(ctx.database, graph.uuid);
      },
    }),
    edges: t.field({
      type: [EdgeRef],
      resolve: (graph, _args, ctx) => {
        requireEditor(ctx);
        return listEdgesOfGraph(ctx.database, graph.uuid);
      },
    }),
  }),
});

NodeRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    name: t.exposeString('name'),
    color: t.exposeString('color'),
    positionX: t.exposeFloat('positionX'),
    positionY: t.exposeFloat('positionY'),
    isEntryNode: t.exposeBoolean('isEntryNode'),
    isBlockingNode: t.exposeBoolean('isBlockingNode'),
    graphUuid: t.expose('graphUuid', { type: 'UUID' }),
    scriptCells: t.field({
      type: [ScriptCellRef],
      resolve: (node, _args, ctx) => listCellsOfNode(ctx.database, node.uuid),
    }),
    nodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: (node, _args, ctx) => listNodeDoors(ctx.database, node.uuid),
    }),
    inNodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: async (node, _args, ctx) =>
        (await listNodeDoors(ctx.database, node.uuid)).filter((door) => door.doorType === 'input'),
    }),
    outNodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: async (node, _args, ctx) =>
        (await listNodeDoors(ctx.database, node.uuid)).filter((door) => door.doorType === 'output'),
    }),
  }),
});

NodeDoorRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    doorType: t.field({
      type: DoorTypeEnum,
      resolve: (door) => door.doorType,
    }),
    name: t.exposeString('name'),
    order: t.exposeInt('order'),
    isDefault: t.exposeBoolean('isDefault'),
    code: t.exposeString('code'),
    placeTrigger: t.field({
      type: PlaceTriggerRef,
      nullable: true,
      description: 'New (issue 19): the place event that opens this door; null for none.',
      resolve: (door) => door.placeTrigger,
    }),
    node: t.field({
      type: NodeRef,
      resolve: (door, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getNode(ctx.database, door.nodeUuid)),
          'node',
          door.nodeUuid,
        ),
    }),
  }),
});

EdgeRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    inNodeDoor: t.field({
      type: NodeDoorRef,
      resolve: (edge, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getNodeDoor(ctx.database, edge.inNodeDoorUuid)),
          'node door',
          edge.inNodeDoorUuid,
        ),
    }),
    outNodeDoor: t.field({
      type: NodeDoorRef,
      resolve: (edge, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getNodeDoor(ctx.database, edge.outNodeDoorUuid)),
          'node door',
          edge.outNodeDoorUuid,
        ),
    }),
  }),
});

AudioCellRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    playback: t.field({
      type: PlaybackChoicesEnum,
      resolve: (cell) => cell.playback,
    }),
    volume: t.exposeFloat('volume'),
    audioFile: t.field({
      type: AudioFileRef,
      resolve: (cell, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getAudioFile(ctx.database, cell.audioFileUuid)),
          'audio file',
          cell.audioFileUuid,
        ),
    }),
  }),
});

ScriptCellRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    cellType: t.field({
      type: CellTypeEnum,
      resolve: (cell) => cell.cellType,
    }),
    cellCode: t.exposeString('cellCode'),
    cellOrder: t.exposeInt('cellOrder'),
    node: t.field({
      type: NodeRef,
      resolve: (cell, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getNode(ctx.database, cell.nodeUuid)),
          'node',
          cell.nodeUuid,
        ),
    }),
    audioCell: t.field({
      type: AudioCellRef,
      nullable: true,
      resolve: async (cell, _args, ctx) =>
        cell.audioCellUuid === null
          ? null
          : ((await findAudioCell(ctx.database, cell.audioCellUuid)) ?? null),
    }),
  }),
});
