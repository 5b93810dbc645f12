import {
  createEdge,
  createGraph,
  createNode,
  createNodeDoor,
  deleteEdge,
  deleteNode,
  deleteNodeDoor,
  getEdge,
  getNode,
  getNodeDoor,
  missingAsUndefined,
  updateGraph,
  updateNode,
  updateNodeDoor,
} from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { requireEditorWrite } from '../auth/guards.ts';
import { builder } from './builder.ts';
import { checkDoorCode } from './code-check.ts';
import {
  DoorTypeEnum,
  GraphDetailTemplateEnum,
  LatencyProfileEnum,
  StreamAssignmentPolicyEnum,
} from './enums.ts';
import { loadOrThrow } from './load.ts';
import { toPatch } from './patch.ts';
import { EdgeRef, GraphRef, NodeDoorRef } from './types-graph.ts';
import { PlaceTriggerInput, triggerFromInput } from './types-place.ts';
import { NodeDoorResponseRef } from './types-results.ts';

const AddGraphInput = builder.inputType('AddGraphInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    displayName: t.string({ required: true }),
    slugName: t.string({ required: true }),
    startText: t.string(),
    aboutText: t.string(),
    endText: t.string(),
    publicVisible: t.boolean(),
    streamAssignmentPolicy: t.field({ type: StreamAssignmentPolicyEnum, required: true }),
    latencyProfile: t.field({
      type: LatencyProfileEnum,
      description: 'New; INTERACTIVE when absent.',
    }),
    showPlacesToListeners: t.boolean({ description: 'New (issue 19); false when absent.' }),
    templateName: t.field({ type: GraphDetailTemplateEnum, required: true }),
  }),
});

const UpdateGraphInput = builder.inputType('UpdateGraphInput', {
  fields: (t) => ({
    name: t.string(),
    displayName: t.string(),
    slugName: t.string({ description: 'New: the slug is editable.' }),
    startText: t.string(),
    aboutText: t.string(),
    endText: t.string(),
    publicVisible: t.boolean(),
    streamAssignmentPolicy: t.field({ type: StreamAssignmentPolicyEnum }),
    latencyProfile: t.field({ type: LatencyProfileEnum, description: 'New.' }),
    showPlacesToListeners: t.boolean({ description: 'New (issue 19).' }),
    templateName: t.field({ type: GraphDetailTemplateEnum }),
  }),
});

const NodeCreateInput = builder.inputType('NodeCreate', {
  fields: (t) => ({
    name: t.string({ required: true }),
    graphUuid: t.field({ type: 'UUID', required: true }),
    positionX: t.float(),
    positionY: t.float(),
    color: t.string(),
    isBlockingNode: t.boolean(),
  }),
});

const NodeUpdateInput = builder.inputType('NodeUpdate', {
  fields: (t) => ({
    uuid: t.field({ type: 'UUID', required: true }),
    name: t.string(),
    positionX: t.float(),
    positionY: t.float(),
    color: t.string(),
    isBlockingNode: t.boolean(),
  }),
});

const EdgeInput = builder.inputType('EdgeInput', {
  fields: (t) => ({
    nodeDoorInUuid: t.field({ type: 'UUID', required: true }),
    nodeDoorOutUuid: t.field({ type: 'UUID', required: true }),
  }),
});

const NodeDoorInputCreate = builder.inputType('NodeDoorInputCreate', {
  fields: (t) => ({
    doorType: t.field({ type: DoorTypeEnum, required: true }),
    name: t.string({ required: true }),
    order: t.int(),
    code: t.string(),
    placeTrigger: t.field({
      type: PlaceTriggerInput,
      description: 'New (issue 19): opens the door on a place event; its places must exist.',
    }),
  }),
});

const NodeDoorInputUpdate = builder.inputType('NodeDoorInputUpdate', {
  fields: (t) => ({
    uuid: t.field({ type: 'UUID', required: true }),
    doorType: t.field({ type: DoorTypeEnum }),
    name: t.string(),
    order: t.int(),
    code: t.string(),
    placeTrigger: t.field({
      type: PlaceTriggerInput,
      description: 'New (issue 19): null removes the trigger, absent keeps it.',
    }),
  }),
});

builder.mutationType({ description: 'Mutations for Gencaster.', fields: () => ({}) });

builder.mutationFields((t) => ({
  addGraph: t.field({
    type: GraphRef,
    description: 'Creates a graph with its entry node "Start"; templateName is honoured.',
    args: { graphInput: t.arg({ type: AddGraphInput, required: true }) },
    resolve: async (_root, { graphInput }, ctx) => {
      requireEditorWrite(ctx);
      const graph = await createGraph(ctx.database, {
        ...toPatch(graphInput, [
          'startText',
          'aboutText',
          'endText',
          'publicVisible',
          'latencyProfile',
          'showPlacesToListeners',
        ]),
        name: graphInput.name,
        displayName: graphInput.displayName,
        slugName: graphInput.slugName,
        streamAssignmentPolicy: graphInput.streamAssignmentPolicy,
        templateName: graphInput.templateName,
      });
      await ctx.runtime.events.graphChanged(graph.uuid);
      return graph;
    },
  }),
  updateGraph: t.field({
    type: GraphRef,
    description:
      'Updates the given fields of a graph (absent fields stay, explicit values incl. "" are set).',
    args: {
      graphInput: t.arg({ type: UpdateGraphInput, required: true }),
      graphUuid: t.arg({ type: 'UUID', required: true }),
    },
    resolve: async (_root, { graphInput, graphUuid }, ctx) => {
      requireEditorWrite(ctx);
      const patch = toPatch(graphInput, [
        'name',
        'displayName',
        'slugName',
        'startText',
        'aboutText',
        'endText',
        'publicVisible',
        'streamAssignmentPolicy',
        'latencyProfile',
        'showPlacesToListeners',
        'templateName',
      ]);
      const graph = await updateGraph(ctx.database, { uuid: graphUuid, ...patch });
      await ctx.runtime.events.graphChanged(graph.uuid);
      return graph;
    },
  }),
  addNode: t.field({
    type: 'Void',
    nullable: true,
    args: { newNode: t.arg({ type: NodeCreateInput, required: true }) },
    resolve: async (_root, { newNode }, ctx) => {
      requireEditorWrite(ctx);
      const node = await createNode(ctx.database, {
        ...toPatch(newNode, ['positionX', 'positionY', 'color', 'isBlockingNode']),
        name: newNode.name,
        graphUuid: newNode.graphUuid,
      });
      await ctx.runtime.events.nodeChanged(node);
      return null;
    },
  }),
  updateNode: t.field({
    type: 'Void',
    nullable: true,
    args: { nodeUpdate: t.arg({ type: NodeUpdateInput, required: true }) },
    resolve: async (_root, { nodeUpdate }, ctx) => {
      requireEditorWrite(ctx);
      const patch = toPatch(nodeUpdate, [
        'name',
        'positionX',
        'positionY',
        'color',
        'isBlockingNode',
      ]);
      const node = await updateNode(ctx.database, { uuid: nodeUpdate.uuid, ...patch });
      await ctx.runtime.events.nodeChanged(node);
      return null;
    },
  }),
  deleteNode: t.field({
    type: 'Void',
    nullable: true,
    args: { nodeUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { nodeUuid }, ctx) => {
      requireEditorWrite(ctx);
      const node = await loadOrThrow(
        missingAsUndefined(getNode(ctx.database, nodeUuid)),
        'node',
        nodeUuid,
      );
      if (node.isEntryNode)
        throw new GencasterError('INVALID_INPUT', 'the entry node can not be deleted');
      await deleteNode(ctx.database, nodeUuid);
      await ctx.runtime.events.nodeChanged(node);
      return null;
    },
  }),
  addEdge: t.field({
    type: EdgeRef,
    description: 'Connects an OUTPUT door to an INPUT door of the same graph.',
    args: { newEdge: t.arg({ type: EdgeInput, required: true }) },
    resolve: async (_root, { newEdge }, ctx) => {
      requireEditorWrite(ctx);
      const inDoor = await loadOrThrow(
        missingAsUndefined(getNodeDoor(ctx.database, newEdge.nodeDoorInUuid)),
        'node door',
        newEdge.nodeDoorInUuid,
      );
      const outDoor = await loadOrThrow(
        missingAsUndefined(getNodeDoor(ctx.database, newEdge.nodeDoorOutUuid)),
        'node door',
        newEdge.nodeDoorOutUuid,
      );
      if (inDoor.doorType !== 'input' || outDoor.doorType !== 'output') {
        throw new GencasterError(
          'INVALID_INPUT',
          'an edge goes from an OUTPUT door to an INPUT door',
        );
      }
      const inNode = await loadOrThrow(
        missingAsUndefined(getNode(ctx.database, inDoor.nodeUuid)),
        'node',
        inDoor.nodeUuid,
      );
      const outNode = await loadOrThrow(
        missingAsUndefined(getNode(ctx.database, outDoor.nodeUuid)),
        'node',
        outDoor.nodeUuid,
      );
      if (inNode.graphUuid !== outNode.graphUuid) {
        throw new GencasterError(
          'INVALID_INPUT',
          'both doors of an edge must belong to the same graph',
        );
      }
      const edge = await createEdge(ctx.database, {
        inNodeDoorUuid: inDoor.uuid,
        outNodeDoorUuid: outDoor.uuid,
      });
      await ctx.runtime.events.nodeChanged(inNode);
      await ctx.runtime.events.nodeChanged(outNode);
      return edge;
    },
  }),
  deleteEdge: t.field({
    type: 'Void',
    nullable: true,
    args: { edgeUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { edgeUuid }, ctx) => {
      requireEditorWrite(ctx);
      const edge = await missingAsUndefined(getEdge(ctx.database, edgeUuid));
      if (edge === undefined) return null;
      const outDoor = await missingAsUndefined(getNodeDoor(ctx.database, edge.outNodeDoorUuid));
      const inDoor = await missingAsUndefined(getNodeDoor(ctx.database, edge.inNodeDoorUuid));
      await deleteEdge(ctx.database, edgeUuid);
      for (const door of [outDoor, inDoor]) {
        const node =
          door === undefined
            ? undefined
            : await missingAsUndefined(getNode(ctx.database, door.nodeUuid));
        if (node !== undefined) await ctx.runtime.events.nodeChanged(node);
      }
      return null;
    },
  }),
  createNodeDoor: t.field({
    type: NodeDoorRef,
    description:
      'Adds a (non-default) door; its condition code is validated (INVALID_INPUT with line/column).',
    args: {
      nodeDoorInput: t.arg({ type: NodeDoorInputCreate, required: true }),
      nodeUuid: t.arg({ type: 'UUID', required: true }),
    },
    resolve: async (_root, { nodeDoorInput, nodeUuid }, ctx) => {
      requireEditorWrite(ctx);
      const node = await loadOrThrow(
        missingAsUndefined(getNode(ctx.database, nodeUuid)),
        'node',
        nodeUuid,
      );
      const invalid = await checkDoorCode(ctx, nodeDoorInput.code ?? '');
      if (invalid !== null) {
        throw new GencasterError('INVALID_INPUT', invalid.errorType, {
          details: { line: invalid.line, column: invalid.column, errorCode: invalid.errorCode },
        });
      }
      const door = await createNodeDoor(ctx.database, {
        ...toPatch(nodeDoorInput, ['order', 'code']),
        nodeUuid,
        doorType: nodeDoorInput.doorType,
        name: nodeDoorInput.name,
        placeTrigger: nodeDoorInput.placeTrigger
          ? triggerFromInput(nodeDoorInput.placeTrigger)
          : null,
      });
      await ctx.runtime.events.nodeChanged(node);
      return door;
    },
  }),
  updateNodeDoor: t.field({
    type: NodeDoorResponseRef,
    description:
      'Updates the given fields of a door; invalid condition code yields InvalidPythonCode.',
    args: { nodeDoorInput: t.arg({ type: NodeDoorInputUpdate, required: true }) },
    resolve: async (_root, { nodeDoorInput }, ctx) => {
      requireEditorWrite(ctx);
      const existing = await loadOrThrow(
        missingAsUndefined(getNodeDoor(ctx.database, nodeDoorInput.uuid)),
        'node door',
        nodeDoorInput.uuid,
      );
      const patch = toPatch(nodeDoorInput, ['doorType', 'name', 'order', 'code']);
      if (patch.code !== undefined) {
        const invalid = await checkDoorCode(ctx, patch.code);
        if (invalid !== null) return invalid;
      }
      if (
        existing.isDefault &&
        patch.doorType !== undefined &&
        patch.doorType !== existing.doorType
      ) {
        throw new GencasterError('INVALID_INPUT', 'the type of a default door can not be changed');
      }
      const trigger = nodeDoorInput.placeTrigger;
      const door = await updateNodeDoor(ctx.database, {
        uuid: existing.uuid,
        ...patch,
        ...(trigger === undefined
          ? {}
          : { placeTrigger: trigger === null ? null : triggerFromInput(trigger) }),
      });
      const node = await missingAsUndefined(getNode(ctx.database, door.nodeUuid));
      if (node !== undefined) await ctx.runtime.events.nodeChanged(node);
      return door;
    },
  }),
  deleteNodeDoor: t.field({
    type: 'Boolean',
    description: 'Deletes a non-default door; false if nothing was deleted.',
    args: { nodeDoorUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { nodeDoorUuid }, ctx) => {
      requireEditorWrite(ctx);
      const door = await missingAsUndefined(getNodeDoor(ctx.database, nodeDoorUuid));
      if (door === undefined || door.isDefault) return false;
      const deleted = await deleteNodeDoor(ctx.database, nodeDoorUuid);
      const node = await missingAsUndefined(getNode(ctx.database, door.nodeUuid));
      if (node !== undefined) await ctx.runtime.events.nodeChanged(node);
      return deleted;
    },
  }),
  releaseBlockingNode: t.field({
    type: 'Boolean',
    description:
      'New: lets the engine of a stream continue past the blocking node it waits on. True if one was waiting.',
    args: { streamUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { streamUuid }, ctx) => {
      requireEditorWrite(ctx);
      if (ctx.runtime.plays.release(streamUuid)) return true;
      return ctx.runtime.sessions.releaseBlockingNode(streamUuid);
    },
  }),
}));
