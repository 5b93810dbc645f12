// Enum values exactly as the original Gencaster stores them, so its dumps import unchanged; GraphQL exposes the
// upper-case names. Each enum is a readonly tuple so that zod and the database checks share it.

export const streamAssignmentPolicies = [
  'one_graph_one_stream',
  'one_user_one_stream',
  'deactivate',
] as const;
export type StreamAssignmentPolicy = (typeof streamAssignmentPolicies)[number];

/**
 * How the listener's WebRTC receiver buffers a graph's stream (new; the original had none).
 * `interactive` keeps the jitter buffer as short as the browser manages, so a listener's click,
 * GPS step or microphone is heard back at once; `robust` asks for a longer buffer that rides out
 * jittery mobile networks at the cost of a delay. The browser turns these into a
 * `jitterBufferTarget` (`packages/web/src/receiver-latency.ts`).
 */
export const latencyProfiles = ['interactive', 'robust'] as const;
export type LatencyProfile = (typeof latencyProfiles)[number];
/**
 * The profile of graphs that name none (existing graphs, old archives, original dumps):
 * `interactive`, the browser's own adaptive buffer that the original player had as well.
 */
export const defaultLatencyProfile: LatencyProfile = 'interactive';

export const graphDetailTemplates = ['default'] as const;
export type GraphDetailTemplate = (typeof graphDetailTemplates)[number];

export const doorTypes = ['input', 'output'] as const;
export type DoorType = (typeof doorTypes)[number];

export const playbackChoices = ['sync_playback', 'async_playback'] as const;
export type PlaybackChoice = (typeof playbackChoices)[number];

/** Script cell types: the original five plus JavaScript cells (new). */
export const cellTypes = [
  'markdown',
  'python',
  'javascript',
  'supercollider',
  'comment',
  'audio',
] as const;
export type CellType = (typeof cellTypes)[number];

export const instructionStates = [
  'UNACKNOWLEDGED',
  'SENT',
  'RECEIVED',
  'FINISHED',
  'FAILURE',
  'SUCCESS',
  'READY',
] as const;
export type InstructionState = (typeof instructionStates)[number];

export const logLevels = {
  CRITICAL: 50,
  ERROR: 40,
  WARNING: 30,
  INFO: 20,
  DEBUG: 10,
  NOTSET: 0,
} as const;
export type LogLevelName = keyof typeof logLevels;
export type LogLevel = (typeof logLevels)[LogLevelName];

export const logOrigins = ['graph_engine', 'supercollider', 'janus'] as const;
export type LogOrigin = (typeof logOrigins)[number];

export const userRoles = ['admin', 'editor'] as const;
export type UserRole = (typeof userRoles)[number];

export const remoteActionTypes = ['code', 'speak'] as const;
export type RemoteActionType = (typeof remoteActionTypes)[number];

/** Status strings our SuperCollider class sends in `/acknowledge` (plus BEACON in beacons). */
export const oscStatuses = [
  'SUCCESS',
  'FAILURE',
  'READY',
  'FINISHED',
  'BEACON',
  'RECEIVED',
] as const;
export type OscStatus = (typeof oscStatuses)[number];

/** Kinds of rows in the session table: a browser login session or a long-lived API token. */
export const sessionKinds = ['session', 'api_token'] as const;
export type SessionKind = (typeof sessionKinds)[number];

/** Shape kinds of a place (new: issue 19). */
export const placeShapeKinds = ['circle', 'polygon'] as const;
export type PlaceShapeKind = (typeof placeShapeKinds)[number];

/** When a door with a place trigger opens (new: issue 19); see `PlaceTrigger`. */
export const placeTriggerKinds = ['enter', 'inside', 'leave', 'nearest'] as const;
export type PlaceTriggerKind = (typeof placeTriggerKinds)[number];

/** How often a place trigger opens its door for one listener (new: issue 19). */
export const placeTriggerRepeats = ['once', 'every_visit'] as const;
export type PlaceTriggerRepeat = (typeof placeTriggerRepeats)[number];
