/**
 * Row shapes the GraphQL layer works with: the domain model types (inventory §1), as the
 * `@gencaster/db` repositories return them.
 */
import type {
  AudioCell,
  AudioFile,
  Edge,
  Graph,
  Node,
  NodeDoor,
  Place,
  ScriptCell,
  Stream,
  StreamInstruction,
  StreamLog,
  StreamPoint,
  StreamVariable,
  User,
} from '@gencaster/domain';

/** A SuperCollider + Janus instance announced by beacon. */
export type StreamPointShape = StreamPoint;
/** The assignment of a stream point to listeners of one graph. */
/** A stream; `point` when it was read with it (an assignment), so no resolver reads it again. */
export type StreamShape = Stream & { point?: StreamPoint };
/** One sclang instruction sent to a stream point. */
export type StreamInstructionShape = Pick<
  StreamInstruction,
  'uuid' | 'createdDate' | 'modifiedDate' | 'instructionText' | 'state' | 'returnValue'
>;
/** A key/value of a stream (values are strings). */
export type StreamVariableShape = StreamVariable;
/** One log line attached to a stream and/or stream point. */
export type StreamLogShape = StreamLog;
/** An uploaded or generated audio file; `file` is relative to the media root. */
export type AudioFileShape = AudioFile;
/** A story graph. */
export type GraphShape = Graph;
/** A node of a story graph. */
export type NodeShape = Node;
/** An input or output door of a node. */
export type NodeDoorShape = NodeDoor;
/** A named circle or polygon of a graph (issue 19). */
export type GraphPlaceShape = Place;
/** A directed edge from an OUTPUT door to an INPUT door. */
export type EdgeShape = Edge;
/** Playback settings of an AUDIO script cell. */
export type AudioCellShape = AudioCell;
/** One cell of a node's script. */
export type ScriptCellShape = ScriptCell;
/** An editor or admin account. */
export type UserShape = User;
