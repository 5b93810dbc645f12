import { builder } from './builder.ts';

/** How listeners of a graph share stream points. */
export const StreamAssignmentPolicyEnum = builder.enumType('StreamAssignmentPolicy', {
  values: {
    ONE_GRAPH_ONE_STREAM: { value: 'one_graph_one_stream' },
    ONE_USER_ONE_STREAM: { value: 'one_user_one_stream' },
    DEACTIVATE: { value: 'deactivate' },
  } as const,
});

/**
 * How listeners' browsers buffer a graph's stream (new): INTERACTIVE keeps the WebRTC jitter
 * buffer as short as the browser manages, ROBUST asks for a longer one that rides out jittery
 * networks at the cost of delay.
 */
export const LatencyProfileEnum = builder.enumType('LatencyProfile', {
  values: {
    INTERACTIVE: {
      value: 'interactive',
      description: 'Low delay (jitter buffer target 0 ms): what a listener does is heard at once.',
    },
    ROBUST: {
      value: 'robust',
      description: 'Resilient playback (jitter buffer target 200 ms) for jittery networks.',
    },
  } as const,
});

/** Front-end template switch of a graph. */
export const GraphDetailTemplateEnum = builder.enumType('GraphDetailTemplate', {
  values: { DEFAULT: { value: 'default' } } as const,
});

/** Door direction. */
export const DoorTypeEnum = builder.enumType('DoorType', {
  values: { INPUT: { value: 'input' }, OUTPUT: { value: 'output' } } as const,
});

/** Audio cell playback mode. */
export const PlaybackChoicesEnum = builder.enumType('PlaybackChoices', {
  values: {
    SYNC_PLAYBACK: { value: 'sync_playback' },
    ASYNC_PLAYBACK: { value: 'async_playback' },
  } as const,
});

/** Script cell types: the original five plus JAVASCRIPT. */
export const CellTypeEnum = builder.enumType('CellType', {
  values: {
    MARKDOWN: { value: 'markdown' },
    PYTHON: { value: 'python' },
    JAVASCRIPT: { value: 'javascript' },
    SUPERCOLLIDER: { value: 'supercollider' },
    COMMENT: { value: 'comment' },
    AUDIO: { value: 'audio' },
  } as const,
});

/** Log levels (numeric values as in Python's logging). */
export const LogLevelEnum = builder.enumType('LogLevel', {
  values: {
    CRITICAL: { value: 50 },
    ERROR: { value: 40 },
    WARNING: { value: 30 },
    INFO: { value: 20 },
    DEBUG: { value: 10 },
    NOTSET: { value: 0 },
  } as const,
});

/** Element Plus button styles used by dialogs. */
export const ButtonTypeEnum = builder.enumType('ButtonType', {
  values: {
    DEFAULT: { value: 'default' },
    PRIMARY: { value: 'primary' },
    SUCCESS: { value: 'success' },
    WARNING: { value: 'warning' },
    INFO: { value: 'info' },
    DANGER: { value: 'danger' },
  } as const,
});

/** What the listener page does when a dialog element is used. */
export const CallbackActionEnum = builder.enumType('CallbackAction', {
  values: {
    ACTIVATE_GPS_STREAMING: { value: 'activate_gps_streaming' },
    SEND_VARIABLES: { value: 'send_variables' },
    SEND_VARIABLE: { value: 'send_variable' },
  } as const,
});

/** Role of an editor account. */
export const UserRoleEnum = builder.enumType('UserRole', {
  values: { ADMIN: { value: 'admin' }, EDITOR: { value: 'editor' } } as const,
});

/** Shape of a place (new: issue 19). */
export const PlaceShapeKindEnum = builder.enumType('PlaceShapeKind', {
  values: {
    CIRCLE: { value: 'circle', description: 'A centre and a radius in metres.' },
    POLYGON: { value: 'polygon', description: 'A simple ring of 3 to 500 vertices.' },
  } as const,
});

/** When a door with a place trigger opens (new: issue 19). */
export const PlaceTriggerKindEnum = builder.enumType('PlaceTriggerKind', {
  values: {
    ENTER: { value: 'enter', description: 'The listener entered the place.' },
    INSIDE: {
      value: 'inside',
      description: 'The listener has been inside the place for dwellSeconds.',
    },
    LEAVE: { value: 'leave', description: 'The listener left the place.' },
    NEAREST: {
      value: 'nearest',
      description: 'The first of placeNames is the nearest of all placeNames.',
    },
  } as const,
});

/** How often a place trigger opens its door for one listener (new: issue 19). */
export const PlaceTriggerRepeatEnum = builder.enumType('PlaceTriggerRepeat', {
  values: {
    ONCE: { value: 'once', description: 'Once per listener stream.' },
    EVERY_VISIT: { value: 'every_visit', description: 'Once per visit of the place.' },
  } as const,
});
