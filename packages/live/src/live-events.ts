import type { Node } from '@gencaster/domain';
import type { PubSub } from './pubsub/pubsub.ts';

/** Pub/sub topic names (one place, so every process agrees). */
export const topics = {
  graph: (uuid: string) => `graph:${uuid}`,
  node: (uuid: string) => `node:${uuid}`,
  streams: 'streams',
  streamLogs: 'stream-logs',
  variables: (streamUuid: string) => `variables:${streamUuid}`,
  releaseBlocking: (streamUuid: string) => `release-blocking:${streamUuid}`,
  /** An admin ended a stream: every backend ends its sessions of it (payload {@link EndStreamEvent}). */
  endStream: 'end-stream',
  engineEvents: (streamUuid: string) => `engine-events:${streamUuid}`,
} as const;

/** Payload of a `stream-logs` event. */
export interface StreamLogEvent {
  uuid: string;
  streamUuid: string | null;
  streamPointUuid: string | null;
}

/** Payload of an `end-stream` event. */
export interface EndStreamEvent {
  streamUuid: string;
}

/** Payload of a `variables:<stream>` event. */
export interface VariablesEvent {
  streamUuid: string;
  variables: { key: string; value: string }[];
}

/** Broadcasts of data changes (including cell updates, which the original did not broadcast). */
export interface LiveEvents {
  graphChanged(graphUuid: string): Promise<void>;
  /** Publishes the node and its graph. */
  nodeChanged(node: Node): Promise<void>;
  streamsChanged(): Promise<void>;
  logWritten(event: StreamLogEvent): Promise<void>;
  variablesChanged(streamUuid: string, variables: { key: string; value: string }[]): Promise<void>;
}

/** Creates {@link LiveEvents} on a pub/sub. */
export function createLiveEvents(pubsub: PubSub): LiveEvents {
  return {
    graphChanged: (graphUuid) => pubsub.publish(topics.graph(graphUuid), { uuid: graphUuid }),
    async nodeChanged(node) {
      await pubsub.publish(topics.node(node.uuid), { uuid: node.uuid });
      await pubsub.publish(topics.graph(node.graphUuid), { uuid: node.graphUuid });
    },
    streamsChanged: () => pubsub.publish(topics.streams, {}),
    logWritten: (event) => pubsub.publish(topics.streamLogs, event),
    variablesChanged: (streamUuid, variables) =>
      pubsub.publish(topics.variables(streamUuid), {
        streamUuid,
        variables,
      } satisfies VariablesEvent),
  };
}
