import type {
  CellType,
  DoorType,
  GraphDetailTemplate,
  LatencyProfile,
  StreamAssignmentPolicy,
} from './enums.ts';
import type { Place, PlaceTrigger } from './place-model.ts';
import type { AudioCell, Timestamped } from './stream-model.ts';

/** A story graph. `name` and `slugName` are unique. */
export interface Graph extends Timestamped {
  name: string;
  displayName: string;
  slugName: string;
  streamAssignmentPolicy: StreamAssignmentPolicy;
  /** How listeners' browsers buffer the stream (new): low delay or resilience. */
  latencyProfile: LatencyProfile;
  /** New (issue 19): the listener page shows the places marked `showToListeners`. */
  showPlacesToListeners: boolean;
  publicVisible: boolean;
  templateName: GraphDetailTemplate;
  startText: string;
  aboutText: string;
  endText: string;
}

/** A node of a graph; exactly one node per graph is the entry node. */
export interface Node extends Timestamped {
  graphUuid: string;
  name: string;
  color: string;
  positionX: number;
  positionY: number;
  isEntryNode: boolean;
  isBlockingNode: boolean;
}

/** An input or output door of a node; each node has one default door per type. */
export interface NodeDoor extends Timestamped {
  nodeUuid: string;
  doorType: DoorType;
  name: string;
  order: number;
  isDefault: boolean;
  /** Condition evaluated by the engine for output doors; '' or 'True' on default doors. */
  code: string;
  /** New (issue 19): the door opens on a place event; null for doors decided by `code` only. */
  placeTrigger: PlaceTrigger | null;
}

/** A directed edge from an OUTPUT door to an INPUT door of the same graph. */
export interface Edge extends Timestamped {
  outNodeDoorUuid: string;
  inNodeDoorUuid: string;
}

/** A script cell of a node; AUDIO cells always reference an audio cell. */
export interface ScriptCell extends Timestamped {
  nodeUuid: string;
  cellType: CellType;
  cellCode: string;
  cellOrder: number;
  audioCellUuid: string | null;
}

/** A script cell with its audio cell resolved. */
export interface ScriptCellWithAudio extends ScriptCell {
  audioCell: AudioCell | null;
}

/** A node with its doors (in evaluation order) and cells (in execution order). */
export interface NodeDetail extends Node {
  nodeDoors: NodeDoor[];
  scriptCells: ScriptCellWithAudio[];
}

/** A whole graph as the editor and the engine load it. */
export interface GraphDetail extends Graph {
  nodes: NodeDetail[];
  /** Edges whose out door belongs to a node of this graph. */
  edges: Edge[];
  /** Places of the graph (issue 19), by name. */
  places: Place[];
}
