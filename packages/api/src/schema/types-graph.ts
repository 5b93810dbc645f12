import type {
  AudioCellShape,
  EdgeShape,
  GraphShape,
  NodeDoorShape,
  NodeShape,
  ScriptCellShape,
} from '../data/shapes.ts';
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
export const GraphRef = builder.objectRef<GraphShape>('Graph');
/** GraphQL type of a node. */
export const NodeRef = builder.objectRef<NodeShape>('Node');
/** GraphQL type of a node door. */
export const NodeDoorRef = builder.objectRef<NodeDoorShape>('NodeDoor');
/** GraphQL type of an edge between an OUTPUT and an INPUT door. */
export const EdgeRef = builder.objectRef<EdgeShape>('Edge');
/** GraphQL type of a script cell. */
export const ScriptCellRef = builder.objectRef<ScriptCellShape>('ScriptCell');
/** GraphQL type of an audio cell's playback settings. */
export const AudioCellRef = builder.objectRef<AudioCellShape>('AudioCell');

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
        const places = await ctx.data.listPlacesOfGraph(graph.uuid);
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
        return ctx.data.listNodesOfGraph(graph.uuid);
      },
    }),
    edges: t.field({
      type: [EdgeRef],
      resolve: (graph, _args, ctx) => {
        requireEditor(ctx);
        return ctx.data.listEdgesOfGraph(graph.uuid);
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
      resolve: (node, _args, ctx) => ctx.data.listCellsOfNode(node.uuid),
    }),
    nodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: (node, _args, ctx) => ctx.data.listDoorsOfNode(node.uuid),
    }),
    inNodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: async (node, _args, ctx) =>
        (await ctx.data.listDoorsOfNode(node.uuid)).filter((door) => door.doorType === 'input'),
    }),
    outNodeDoors: t.field({
      type: [NodeDoorRef],
      resolve: async (node, _args, ctx) =>
        (await ctx.data.listDoorsOfNode(node.uuid)).filter((door) => door.doorType === 'output'),
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
        loadOrThrow(ctx.data.getNode(door.nodeUuid), 'node', door.nodeUuid),
    }),
  }),
});

EdgeRef.implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    inNodeDoor: t.field({
      type: NodeDoorRef,
      resolve: (edge, _args, ctx) =>
        loadOrThrow(ctx.data.getDoor(edge.inNodeDoorUuid), 'node door', edge.inNodeDoorUuid),
    }),
    outNodeDoor: t.field({
      type: NodeDoorRef,
      resolve: (edge, _args, ctx) =>
        loadOrThrow(ctx.data.getDoor(edge.outNodeDoorUuid), 'node door', edge.outNodeDoorUuid),
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
        loadOrThrow(ctx.data.getAudioFile(cell.audioFileUuid), 'audio file', cell.audioFileUuid),
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
        loadOrThrow(ctx.data.getNode(cell.nodeUuid), 'node', cell.nodeUuid),
    }),
    audioCell: t.field({
      type: AudioCellRef,
      nullable: true,
      resolve: async (cell, _args, ctx) =>
        cell.audioCellUuid === null
          ? null
          : ((await ctx.data.getAudioCell(cell.audioCellUuid)) ?? null),
    }),
  }),
});
