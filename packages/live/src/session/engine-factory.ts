import type { StreamInstructionShape, StreamPointShape, StreamShape } from '../data/shapes.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { DialogShape } from '../schema/types-dialog.ts';
import type { ApiEvents } from '../server/events.ts';

/** Something a running engine reports to its listeners. */
export type EngineEvent =
  | { type: 'instruction'; instruction: StreamInstructionShape }
  | { type: 'dialog'; dialog: DialogShape };

/** A graph walk for one stream, shared by all listeners of that stream. */
export interface ListenerEngine {
  /** Starts the walk; `onEvent` gets every instruction and dialog; resolves at the dead end. */
  run(onEvent: (event: EngineEvent) => void): Promise<void>;
  /** Stops the walk (listeners gone); resolves when it stopped. */
  stop(): Promise<void>;
  /** Releases a blocking node the walk waits on; false if not blocked. */
  releaseBlocking(): boolean;
}

/** Input of an {@link EngineFactory}. */
export interface EngineFactoryInput {
  graphUuid: string;
  stream: StreamShape;
  point: StreamPointShape;
  /** Whether this is the stream's first listener (the engine may run its cleanup instruction). */
  fresh: boolean;
  /** The API's pub/sub (variable changes from listeners arrive here). */
  pubsub: PubSub;
  events: ApiEvents;
  /** Persistence of the walk position: a walk resumed on another backend goes on from there. */
  walkPosition?: WalkPositionPort;
  /** An editor's play session may start the walk at this node instead of the entry node. */
  startNodeUuid?: string | null;
}

/** Load/save of a stream's walk position (the node entered last and the step count). */
export interface WalkPositionPort {
  /** The position to resume from, or null to start at the entry node. */
  load(): Promise<{ nodeUuid: string; step: number; cellsDone?: number } | null>;
  save(position: { nodeUuid: string; step: number; cellsDone?: number }): Promise<void>;
}

/** Builds the engine of a stream; wired by the backend with `@gencaster/story`. */
export type EngineFactory = (input: EngineFactoryInput) => ListenerEngine;
