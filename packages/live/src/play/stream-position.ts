import type { PubSub } from '../pubsub/pubsub.ts';

/** Where the engine of a stream is: the node it entered last, and whether it waits there. */
export interface StreamPosition {
  streamUuid: string;
  nodeUuid: string;
  /** True while the engine waits at this blocking node for a release. */
  blocked: boolean;
  step: number;
}

/** Pub/sub topic of a stream's engine position. */
export const streamPositionTopic = (streamUuid: string): string => `stream-position:${streamUuid}`;

const lastPositions = new Map<string, StreamPosition>();
const maxRemembered = 1000;

/**
 * Publishes the engine position of a stream (called by the engine factory on node entered,
 * blocked and released) and remembers it in this process, so a late `streamPosition` subscriber
 * gets the current node at once.
 */
export function publishStreamPosition(pubsub: PubSub, position: StreamPosition): Promise<void> {
  lastPositions.delete(position.streamUuid);
  lastPositions.set(position.streamUuid, position);
  if (lastPositions.size > maxRemembered) {
    const oldest = lastPositions.keys().next().value;
    if (oldest !== undefined) lastPositions.delete(oldest);
  }
  return pubsub.publish(streamPositionTopic(position.streamUuid), position);
}

/** The last position published by this process for a stream, if any. */
export function lastStreamPosition(streamUuid: string): StreamPosition | undefined {
  return lastPositions.get(streamUuid);
}
