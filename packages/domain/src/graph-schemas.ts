import { z } from 'zod';
import {
  cellTypes,
  defaultLatencyProfile,
  doorTypes,
  graphDetailTemplates,
  latencyProfiles,
  playbackChoices,
  streamAssignmentPolicies,
} from './enums.ts';
import { fieldDefaults, fieldLimits as L } from './field-limits.ts';
import { placeTriggerSchema } from './place-schemas.ts';
import { slugPattern } from './slugify.ts';
import { uuidSchema } from './stream-schemas.ts';

// Update schemas use `.optional()` for "absent = keep": every present value is written, including
// 0, '' and false (the original ignored falsy values). `null` is accepted only for nullable columns.

const slugName = z.string().min(1).max(L.graphSlugName).regex(slugPattern, 'invalid slug');
const coordinate = z.number().finite();
const int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/** A new graph; `slugName` defaults to the slugified name. */
export const createGraphSchema = z.object({
  name: z.string().trim().min(1).max(L.graphName),
  displayName: z.string().trim().min(1).max(L.graphDisplayName).optional(),
  slugName: slugName.optional(),
  streamAssignmentPolicy: z.enum(streamAssignmentPolicies).default('one_user_one_stream'),
  latencyProfile: z.enum(latencyProfiles).default(defaultLatencyProfile),
  showPlacesToListeners: z.boolean().default(false),
  publicVisible: z.boolean().default(true),
  templateName: z.enum(graphDetailTemplates).default('default'),
  startText: z.string().default(''),
  aboutText: z.string().default(''),
  endText: z.string().default(''),
});
export type CreateGraphInput = z.input<typeof createGraphSchema>;

/** Partial update of a graph (slug included, unlike the original). */
export const updateGraphSchema = z.object({
  uuid: uuidSchema,
  name: z.string().trim().min(1).max(L.graphName).optional(),
  displayName: z.string().trim().min(1).max(L.graphDisplayName).optional(),
  slugName: slugName.optional(),
  streamAssignmentPolicy: z.enum(streamAssignmentPolicies).optional(),
  latencyProfile: z.enum(latencyProfiles).optional(),
  showPlacesToListeners: z.boolean().optional(),
  publicVisible: z.boolean().optional(),
  templateName: z.enum(graphDetailTemplates).optional(),
  startText: z.string().optional(),
  aboutText: z.string().optional(),
  endText: z.string().optional(),
});
export type UpdateGraphInput = z.input<typeof updateGraphSchema>;

/** A new (non-entry) node; it gets its two default doors. */
export const createNodeSchema = z.object({
  graphUuid: uuidSchema,
  name: z.string().max(L.nodeName).default(''),
  color: z.string().min(1).max(L.nodeColor).default(fieldDefaults.nodeColor),
  positionX: coordinate.default(0),
  positionY: coordinate.default(0),
  isBlockingNode: z.boolean().default(false),
});
export type CreateNodeInput = z.input<typeof createNodeSchema>;

/** Partial update of a node (its graph and entry flag cannot change). */
export const updateNodeSchema = z.object({
  uuid: uuidSchema,
  name: z.string().max(L.nodeName).optional(),
  color: z.string().min(1).max(L.nodeColor).optional(),
  positionX: coordinate.optional(),
  positionY: coordinate.optional(),
  isBlockingNode: z.boolean().optional(),
});
export type UpdateNodeInput = z.input<typeof updateNodeSchema>;

/** A new non-default door. */
export const createNodeDoorSchema = z.object({
  nodeUuid: uuidSchema,
  doorType: z.enum(doorTypes).default('output'),
  name: z.string().trim().min(1).max(L.doorName),
  order: int32.default(0),
  code: z.string().default(''),
  /** Place names must exist in the door's graph (checked by the repository). */
  placeTrigger: placeTriggerSchema.nullable().default(null),
});
export type CreateNodeDoorInput = z.input<typeof createNodeDoorSchema>;

/** Partial update of a door; the door type is only written when given. */
export const updateNodeDoorSchema = z.object({
  uuid: uuidSchema,
  doorType: z.enum(doorTypes).optional(),
  name: z.string().trim().min(1).max(L.doorName).optional(),
  order: int32.optional(),
  code: z.string().optional(),
  /** null removes the trigger; absent keeps it. */
  placeTrigger: placeTriggerSchema.nullable().optional(),
});
export type UpdateNodeDoorInput = z.input<typeof updateNodeDoorSchema>;

/** A new edge from an output door to an input door of the same graph. */
export const createEdgeSchema = z.object({
  outNodeDoorUuid: uuidSchema,
  inNodeDoorUuid: uuidSchema,
});
export type CreateEdgeInput = z.input<typeof createEdgeSchema>;

/** Audio cell settings; with `uuid` an existing audio cell is updated instead of creating one. */
export const audioCellSchema = z.object({
  uuid: uuidSchema.optional(),
  playback: z.enum(playbackChoices).default('sync_playback'),
  audioFileUuid: uuidSchema,
  volume: z.number().min(0).max(1).default(fieldDefaults.audioCellVolume),
});
export type AudioCellInput = z.input<typeof audioCellSchema>;

/** A new script cell; absent `cellOrder` appends after the node's last cell. */
export const createScriptCellSchema = z
  .object({
    nodeUuid: uuidSchema,
    cellType: z.enum(cellTypes).default('comment'),
    cellCode: z.string(),
    cellOrder: int32.optional(),
    audioCell: audioCellSchema.nullable().optional(),
  })
  .refine((c) => c.cellType !== 'audio' || c.audioCell, {
    message: 'an audio cell needs audioCell',
    path: ['audioCell'],
  });
export type CreateScriptCellInput = z.input<typeof createScriptCellSchema>;

/** Partial update of a script cell; `audioCell: null` detaches (not allowed for audio cells). */
export const updateScriptCellSchema = z.object({
  uuid: uuidSchema,
  cellType: z.enum(cellTypes).optional(),
  cellCode: z.string().optional(),
  cellOrder: int32.optional(),
  audioCell: audioCellSchema.nullable().optional(),
});
export type UpdateScriptCellInput = z.input<typeof updateScriptCellSchema>;
