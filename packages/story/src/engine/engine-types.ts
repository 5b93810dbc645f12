// The engine's view of a graph and the ports through which it touches the world. The backend
// implements the ports (database, OSC, TTS, GraphQL); tests implement them in memory.
import type { CellType, LogLevel, PlaceTrigger, PlaybackChoice } from '@gencaster/domain';
import type { PlaceTrackerOptions, TrackedPlace } from '../places/place-tracker.ts';
import type { Dialog } from '../dialog.ts';
import type { ScriptSandbox } from '../sandbox/sandbox-types.ts';

/** A node as the engine needs it. */
export interface EngineNode {
  uuid: string;
  name: string;
  isBlockingNode: boolean;
}

/** An edge leaving an output door, resolved to the node it enters. */
export interface EngineEdge {
  uuid: string;
  inNodeUuid: string;
}

/** An OUTPUT door with its condition and outgoing edges. */
export interface EngineDoor {
  uuid: string;
  name: string;
  order: number;
  isDefault: boolean;
  /** Condition: Python unless its first line is a `// js` comment (see doorLanguage). */
  code: string;
  /**
   * Opens the door on a place event (issue 19). A node with such doors waits at its exit until
   * one opens (or a non-default code door does); with code as well, both must hold.
   */
  placeTrigger?: PlaceTrigger | null;
  edges: EngineEdge[];
}

/** The audio part of an AUDIO cell. */
export interface EngineAudioCell {
  audioFileUuid: string;
  playback: PlaybackChoice;
  volume: number;
}

/** A script cell. */
export interface EngineCell {
  uuid: string;
  cellType: CellType;
  cellCode: string;
  cellOrder: number;
  audioCell: EngineAudioCell | null;
}

/** Everything the engine reads when it enters a node (read fresh each time: live edits apply). */
export interface NodeContents {
  node: EngineNode;
  cells: EngineCell[];
  /** OUTPUT doors only; any order (the engine sorts them). */
  outputDoors: EngineDoor[];
}

/** Loads the graph's entry point and, on every node entry, that node's current contents. */
export interface GraphSource {
  loadGraph(): Promise<{ uuid: string; entryNodeUuid: string | null }>;
  /** Null when the node was deleted meanwhile. */
  loadNode(nodeUuid: string): Promise<NodeContents | null>;
}

/** Sends sclang code to the listener's stream point. */
export interface InstructionPort {
  /** Resolves on FINISHED; rejects on FAILURE or TIMEOUT (the engine logs and continues). */
  run(request: {
    code: string;
    manualFinish?: boolean;
    signal: AbortSignal;
  }): Promise<{ returnValue: string }>;
  /** SYNC playback resolves when playback ends, ASYNC when it started. */
  playAudio(request: {
    audioFileUuid: string;
    playback: PlaybackChoice;
    volume: number;
    signal: AbortSignal;
  }): Promise<void>;
  /** Text to speech of `ssml`, played synchronously. */
  speak(request: { ssml: string; signal: AbortSignal }): Promise<void>;
}

/** The listener's stream variables (strings). */
export interface VariableStore {
  getAll(): Promise<Record<string, string>>;
  set(key: string, value: string): Promise<void>;
  /**
   * Writes several variables at once (one batch). The engine uses it for derived place values,
   * which also go to the stream point (as data, like listeners' `streamToSc` variables).
   */
  setMany?(entries: Record<string, string>): Promise<void>;
  delete(key: string): Promise<void>;
  /** Resolves as soon as `key` exists (immediately if it does); rejects after `timeoutMs`. Event-driven, no polling. */
  waitFor(key: string, timeoutMs: number, signal: AbortSignal): Promise<string>;
}

/** Delivers dialogs to the listener. */
export interface DialogChannel {
  show(dialog: Dialog): Promise<void>;
}

/** Time, injectable for tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** StreamLog writer bound to the listener's stream. */
export interface EngineLogger {
  log(entry: { level: LogLevel; message: string; origin: 'graph_engine' }): void;
}

/** Where a walk is, persisted so a reattached session resumes instead of restarting. */
export interface EnginePosition {
  nodeUuid: string;
  step: number;
  /** Cells of the node (in cell order) that already ran; a resumed walk goes on after them. */
  cellsDone?: number;
}

/** Optional persistence of the walk position on the stream. */
export interface PositionStore {
  load(): Promise<EnginePosition | null>;
  save(position: EnginePosition): Promise<void>;
}

/** Optional release signal for blocking nodes (editor action); `engine.release()` works too. */
export interface BlockingRelease {
  waitForRelease(nodeUuid: string, signal: AbortSignal): Promise<void>;
}

/** The listener's positions and the graph's places (issue 19). */
export interface PlacePort {
  /** The places of the graph (read at each node entry: live edits apply). */
  loadPlaces(): Promise<TrackedPlace[]>;
  /** Calls `onFix` for every position the listener sends; returns the unsubscribe function. */
  subscribe(onFix: (fix: { lat: number; lon: number; accuracyM?: number }) => void): () => void;
}

/** All ports of an engine. */
export interface EnginePorts {
  graph: GraphSource;
  instructions: InstructionPort;
  variables: VariableStore;
  dialogs: DialogChannel;
  clock: Clock;
  logger: EngineLogger;
  /** Uniform in [0, 1); use createSeededRandom in tests. */
  random: () => number;
  sandbox: ScriptSandbox;
  position?: PositionStore;
  release?: BlockingRelease;
  /** Places and positions; without it place triggers never open. */
  places?: PlacePort;
}

/** Events for the GraphQL layer (streamInfo, editor live view). */
export type EngineEvent =
  | { type: 'node_entered'; nodeUuid: string; step: number }
  | { type: 'cell_started'; nodeUuid: string; cellUuid: string; cellType: CellType }
  | { type: 'cell_finished'; nodeUuid: string; cellUuid: string; ok: boolean; error?: string }
  | {
      type: 'instruction';
      cellUuid: string;
      kind: 'code' | 'audio' | 'speech';
      code?: string;
      ssml?: string;
    }
  | { type: 'dialog'; dialog: Dialog }
  | { type: 'door_chosen'; nodeUuid: string; doorUuid: string; edgeUuid: string | null }
  | { type: 'blocked'; nodeUuid: string }
  | { type: 'waiting_for_place'; nodeUuid: string }
  | { type: 'released'; nodeUuid: string }
  | { type: 'finished'; result: EngineResult };

/** Why a walk ended. */
export interface EngineResult {
  reason: 'dead_end' | 'max_steps' | 'aborted' | 'no_entry_node';
  steps: number;
  lastNodeUuid: string | null;
}

/**
 * A node visit "makes progress" when its cells take time: a cell that waits (dialog, variable,
 * sleep), plays or speaks. A walk whose visits all end at once is a busy loop: after `idleVisits`
 * such visits in a row it is slowed to one node every `slowStepDelayMs`, with a warning in the
 * stream's log, until a visit takes time again.
 */
export interface ProgressGuardOptions {
  /** Visits in a row without progress before the walk is slowed (default 100). */
  idleVisits?: number;
  /** A visit whose cells took less than this is no progress (default 50 ms). */
  minVisitMs?: number;
  /** The pause between nodes of a slowed walk (default 1000 ms). */
  slowStepDelayMs?: number;
}

/** Options of the engine's place evaluation; all optional. */
export interface PlaceEngineOptions {
  tracker?: PlaceTrackerOptions;
  /** Fixes are evaluated at most once per this many ms per listener (default 250). */
  minIntervalMs?: number;
  /** While a node waits for a place door, its code doors run at most this often (default 1000 ms). */
  codeRecheckMs?: number;
}

/** Options of createEngine; all optional. */
export interface EngineOptions {
  /** Nodes to execute before giving up (default: no limit, a looping 24/7 graph runs for days). */
  maxSteps?: number;
  /** How a loop that makes no progress is slowed; see {@link ProgressGuardOptions}. */
  progressGuard?: ProgressGuardOptions;
  /** Pause between nodes (default 100 ms, as the original). */
  stepDelayMs?: number;
  /** `wait` (default): a blocking node waits for release or the listener leaving; `ignore` walks on. */
  blocking?: 'wait' | 'ignore';
  /**
   * Resets the point before a new stream's walk (also an editor's play from a node); the walk
   * waits for its acknowledgement. Not sent when a walk resumes on a stored position.
   */
  cleanupCode?: string;
  /** Voice names used by markdown tokens. */
  voices?: { female?: string; male?: string };
  /** Place evaluation (issue 19): tracker thresholds, throttle and how often code doors re-run. */
  places?: PlaceEngineOptions;
  /** Receives every event; must not throw. */
  onEvent?: (event: EngineEvent) => void;
}
