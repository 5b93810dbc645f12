import type { StreamPoint } from '@gencaster/domain';
import type { Dialog, PositionStore } from '@gencaster/story';
import type { InstructionMessage, LiveStream } from '../listener-message.ts';
import type { LiveEvents } from '../live-events.ts';
import type { PubSub } from '../pubsub/pubsub.ts';

/**
 * Something a running engine reports to the listeners of its stream (the story engine's own
 * `EngineEvent`s are finer; the factory turns the ones listeners see into these).
 */
export type ListenerEngineEvent =
  { type: 'instruction'; instruction: InstructionMessage } | { type: 'dialog'; dialog: Dialog };

/** A graph walk for one stream, shared by all listeners of that stream. */
export interface ListenerEngine {
  /** Starts the walk; `onEvent` gets every instruction and dialog; resolves at the dead end. */
  run(onEvent: (event: ListenerEngineEvent) => void): Promise<void>;
  /** Stops the walk (listeners gone); resolves when it stopped. */
  stop(): Promise<void>;
  /** Releases a blocking node the walk waits on; false if not blocked. */
  releaseBlocking(): boolean;
}

/** Input of an {@link EngineFactory}. */
export interface EngineFactoryInput {
  graphUuid: string;
  stream: LiveStream;
  point: StreamPoint;
  /** Whether this is the stream's first listener (the engine may run its cleanup instruction). */
  fresh: boolean;
  /** The runtime's pub/sub (variable changes from listeners arrive here). */
  pubsub: PubSub;
  events: LiveEvents;
  /** Persistence of the walk position: a walk resumed on another backend goes on from there. */
  walkPosition?: PositionStore;
  /** An editor's play session may start the walk at this node instead of the entry node. */
  startNodeUuid?: string | null;
}

/** Builds the engine of a stream; wired by the backend with `@gencaster/story`. */
export type EngineFactory = (input: EngineFactoryInput) => ListenerEngine;
