import type { InstructionMessage } from '../listener-message.ts';
import { topics } from '../live-events.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { ListenerEngineEvent } from './engine-factory.ts';

/**
 * What travels on `engine-events:<stream>`: the lease holder's engine events, so listeners of a
 * shared stream (one_graph_one_stream) connected to other backends hear the same walk.
 */
export type RelayedEngineEvent = ListenerEngineEvent | { type: 'dead-end'; error: string };

interface RelayMessage {
  from: string;
  event: RelayedEngineEvent;
}

/** Publishes one event of the engine this backend runs. */
export function publishEngineEvent(
  pubsub: PubSub,
  streamUuid: string,
  backendId: string,
  event: RelayedEngineEvent,
): void {
  const message: RelayMessage = { from: backendId, event };
  void pubsub.publish(topics.engineEvents(streamUuid), message).catch(() => undefined);
}

/** Dates arrive as ISO strings after a JSON hop (Redis); listeners' messages carry Dates. */
function reviveInstruction(instruction: InstructionMessage): InstructionMessage {
  return {
    ...instruction,
    createdDate: new Date(instruction.createdDate),
    modifiedDate: new Date(instruction.modifiedDate),
  };
}

/**
 * Follows the engine events other backends publish for a stream and hands them to `deliver`
 * (events of this backend are skipped: its sessions got them directly). Returns a stop function.
 */
export function followRemoteEngineEvents(
  pubsub: PubSub,
  streamUuid: string,
  backendId: string,
  deliver: (event: RelayedEngineEvent) => void,
): () => void {
  const messages = pubsub.subscribe<RelayMessage>(topics.engineEvents(streamUuid));
  void (async () => {
    for await (const message of messages) {
      if (message.from === backendId) continue;
      const event = message.event;
      deliver(
        event.type === 'instruction'
          ? { type: 'instruction', instruction: reviveInstruction(event.instruction) }
          : event,
      );
    }
  })().catch(() => undefined);
  return () => void messages.return().catch(() => undefined);
}
