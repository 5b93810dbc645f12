import {
  findStreamLog,
  getGraph,
  getNode,
  listStreamLogs,
  listStreams,
  missingAsUndefined,
} from '@gencaster/db';
import { GencasterError, type StreamLog } from '@gencaster/domain';
import { requireEditor } from '../auth/guards.ts';
import { createPushQueue, topics, type StreamLogEvent } from '@gencaster/live';
import { createLiveIterator } from '../pubsub/live-iterator.ts';
import { builder } from './builder.ts';
import { GraphRef, NodeRef } from './types-graph.ts';
import { StreamInfoResponseRef, toStreamInfoResponse } from './types-results.ts';
import { StreamLogRef, StreamRef } from './types-stream.ts';

builder.subscriptionType({
  fields: (t) => ({
    graph: t.field({
      type: GraphRef,
      description: 'The graph now and after every change by any editor. Editors only.',
      args: { graphUuid: t.arg({ type: 'UUID', required: true }) },
      subscribe: async (_root, { graphUuid }, ctx) => {
        requireEditor(ctx);
        if ((await missingAsUndefined(getGraph(ctx.database, graphUuid))) === undefined) {
          throw new GencasterError('NOT_FOUND', `graph ${graphUuid} does not exist`);
        }
        const events = ctx.runtime.pubsub.subscribe(topics.graph(graphUuid));
        return createLiveIterator(events, () =>
          missingAsUndefined(getGraph(ctx.database, graphUuid)),
        );
      },
      resolve: (graph) => graph,
    }),
    node: t.field({
      type: NodeRef,
      description: 'The node now and after every change by any editor. Editors only.',
      args: { nodeUuid: t.arg({ type: 'UUID', required: true }) },
      subscribe: async (_root, { nodeUuid }, ctx) => {
        requireEditor(ctx);
        if ((await missingAsUndefined(getNode(ctx.database, nodeUuid))) === undefined) {
          throw new GencasterError('NOT_FOUND', `node ${nodeUuid} does not exist`);
        }
        const events = ctx.runtime.pubsub.subscribe(topics.node(nodeUuid));
        return createLiveIterator(events, () =>
          missingAsUndefined(getNode(ctx.database, nodeUuid)),
        );
      },
      resolve: (node) => node,
    }),
    streamInfo: t.field({
      type: StreamInfoResponseRef,
      description:
        'The listener session: StreamInfo at once (with the listenerToken), then Dialogs and StreamInfo per instruction, GraphDeadEnd at the end; NoStreamAvailable if no point is free or the graph is deactivated.',
      args: {
        graphUuid: t.arg({ type: 'UUID', required: true }),
        listenerToken: t.arg.string({
          description:
            'New: the token of an interrupted session to resume it within the grace period.',
        }),
      },
      subscribe: (_root, { graphUuid, listenerToken }, ctx) =>
        ctx.runtime.sessions.open({
          graphUuid,
          clientIp: ctx.clientIp,
          ...(ctx.connectionClosed ? { connectionClosed: ctx.connectionClosed } : {}),
          listenerToken: listenerToken ?? null,
        }),
      resolve: (message) => toStreamInfoResponse(message),
    }),
    streamLogs: t.field({
      type: StreamLogRef,
      description:
        'Historic logs (oldest first), then live ones, filtered by stream and/or stream point. Editors only.',
      args: { streamUuid: t.arg({ type: 'UUID' }), streamPointUuid: t.arg({ type: 'UUID' }) },
      subscribe: (_root, { streamUuid, streamPointUuid }, ctx) => {
        requireEditor(ctx);
        const filter = {
          ...(streamUuid ? { streamUuid } : {}),
          ...(streamPointUuid ? { streamPointUuid } : {}),
        };
        const events = ctx.runtime.pubsub.subscribe<StreamLogEvent>(topics.streamLogs);
        const output = createPushQueue<StreamLog>({ onClose: () => void events.return() });
        const seen = new Set<string>();
        const matches = (event: StreamLogEvent) =>
          (!filter.streamUuid || event.streamUuid === filter.streamUuid) &&
          (!filter.streamPointUuid || event.streamPointUuid === filter.streamPointUuid);
        void (async () => {
          try {
            for (const log of await listStreamLogs(ctx.database, filter)) {
              seen.add(log.uuid);
              output.push(log);
            }
            for await (const event of events) {
              if (!matches(event) || seen.has(event.uuid)) continue;
              const log = await findStreamLog(ctx.database, event.uuid);
              if (log !== undefined) output.push(log);
            }
          } catch (error) {
            output.fail(error);
          }
        })();
        return output;
      },
      resolve: (log) => log,
    }),
    streams: t.field({
      type: [StreamRef],
      description: 'The newest `limit` streams now and after every stream change. Editors only.',
      args: { limit: t.arg.int({ required: true, defaultValue: 20 }) },
      subscribe: (_root, { limit }, ctx) => {
        requireEditor(ctx);
        const events = ctx.runtime.pubsub.subscribe(topics.streams);
        return createLiveIterator(events, () =>
          listStreams(ctx.database, { limit: Math.min(Math.max(limit, 1), 500) }),
        );
      },
      resolve: (streams) => streams,
    }),
  }),
});
