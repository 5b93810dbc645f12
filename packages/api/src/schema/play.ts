// Editor play sessions ("play from here"), the engine position of a stream, listener counts and
// audio meters of stream points.
import { getStream, listStreams, missingAsUndefined } from '@gencaster/db';
import { GencasterError, type StreamPoint } from '@gencaster/domain';
import { requireEditor } from '../auth/guards.ts';
import {
  createPushQueue,
  lastStreamPosition,
  streamPositionTopic,
  type PlayEvent,
  type PointLevel,
  type StreamPosition,
} from '@gencaster/live';
import { builder } from './builder.ts';
import { DialogRef, toDialogShape } from './types-dialog.ts';
import { StreamInstructionRef, StreamPointRef, StreamRef } from './types-stream.ts';

const PlayEventKindEnum = builder.enumType('PlayEventKind', {
  description: 'What a play session message reports.',
  values: {
    STARTED: { description: 'A stream point was claimed; `variables` holds the stream variables.' },
    NODE: { description: 'The engine entered node `nodeUuid`.' },
    BLOCKED: { description: 'The engine waits at blocking node `nodeUuid` for a release.' },
    INSTRUCTION: { description: 'An instruction was sent to or acknowledged by the point.' },
    DIALOG: { description: 'A script showed a dialog to the listener.' },
    VARIABLES: { description: 'A stream variable changed; `variables` holds all of them.' },
    ENDED: { description: 'The walk ended; `message` says why.' },
    NO_STREAM: { description: 'No stream point was free.' },
  } as const,
});

const PlayVariableRef = builder
  .objectRef<{ key: string; value: string }>('PlayVariable')
  .implement({
    fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
  });

const PlayEventRef = builder.objectRef<PlayEvent>('PlayEvent').implement({
  description: 'One message of an editor play session.',
  fields: (t) => ({
    kind: t.field({ type: PlayEventKindEnum, resolve: (event) => event.kind }),
    stream: t.field({ type: StreamRef, nullable: true, resolve: (event) => event.stream }),
    nodeUuid: t.expose('nodeUuid', { type: 'UUID', nullable: true }),
    instruction: t.field({
      type: StreamInstructionRef,
      nullable: true,
      resolve: (event) => event.instruction,
    }),
    dialog: t.field({
      type: DialogRef,
      nullable: true,
      resolve: (event) => (event.dialog ? toDialogShape(event.dialog) : null),
    }),
    variables: t.field({
      type: [PlayVariableRef],
      nullable: true,
      resolve: (event) => event.variables,
    }),
    message: t.exposeString('message', { nullable: true }),
  }),
});

const StreamPositionRef = builder.objectRef<StreamPosition>('StreamPosition').implement({
  description: 'Where the engine of a stream is.',
  fields: (t) => ({
    streamUuid: t.expose('streamUuid', { type: 'UUID' }),
    nodeUuid: t.expose('nodeUuid', { type: 'UUID' }),
    blocked: t.exposeBoolean('blocked'),
    step: t.exposeInt('step'),
  }),
});

const PointMeterRef = builder.objectRef<PointLevel>('PointMeter').implement({
  description:
    "Output level of a stream point, measured by its sound fleet on the audio sent to Janus (the local fleet's status file, refreshed every second).",
  fields: (t) => ({
    peakDb: t.exposeFloat('peakDb', { nullable: true }),
    rmsDb: t.exposeFloat('rmsDb', { nullable: true }),
    silent: t.exposeBoolean('silent'),
    clipping: t.exposeBoolean('clipping'),
    updatedAt: t.exposeString('updatedAt', { nullable: true }),
  }),
});

const activeStreamOf = async (point: StreamPoint, ctx: Parameters<typeof requireEditor>[0]) =>
  (await listStreams(ctx.database, { limit: 500 })).find(
    (stream) => stream.active && stream.streamPointUuid === point.uuid,
  );

builder.objectFields(StreamPointRef, (t) => ({
  activeStream: t.field({
    type: StreamRef,
    nullable: true,
    description: 'New: the stream that holds this point now, if any. Editors only.',
    resolve: async (point, _args, ctx) => {
      requireEditor(ctx);
      return (await activeStreamOf(point, ctx)) ?? null;
    },
  }),
  numListeners: t.int({
    description: 'New: listeners of the active stream on this point (0 when free). Editors only.',
    resolve: async (point, _args, ctx) => {
      requireEditor(ctx);
      return (await activeStreamOf(point, ctx))?.numListeners ?? 0;
    },
  }),
  meter: t.field({
    type: PointMeterRef,
    nullable: true,
    description:
      'New: output level of the point; null when no local sound fleet reports it. Editors only.',
    resolve: async (point, _args, ctx) => {
      requireEditor(ctx);
      const levels = (await ctx.runtime.services.pointLevels?.()) ?? [];
      return (
        levels.find(
          (level) => level.port === point.port && (!level.host || level.host === point.host),
        ) ?? null
      );
    },
  }),
}));

builder.subscriptionFields((t) => ({
  playGraph: t.field({
    type: PlayEventRef,
    description:
      'New, editors only: runs the graph on a free stream point of its own, from `startNodeUuid` (or the entry node). STARTED first, then the engine position, instructions, dialogs and variable changes, ENDED at the end. Unsubscribing stops the walk and frees the point.',
    args: {
      graphUuid: t.arg({ type: 'UUID', required: true }),
      startNodeUuid: t.arg({ type: 'UUID' }),
    },
    subscribe: (_root, { graphUuid, startNodeUuid }, ctx) => {
      requireEditor(ctx);
      return ctx.runtime.plays.open({ graphUuid, startNodeUuid: startNodeUuid ?? null });
    },
    resolve: (event) => event,
  }),
  streamPosition: t.field({
    type: StreamPositionRef,
    description:
      'New, editors only: the node the engine of a stream is at (listener or play session), now (if this backend knows it) and after every step.',
    args: { streamUuid: t.arg({ type: 'UUID', required: true }) },
    subscribe: async (_root, { streamUuid }, ctx) => {
      requireEditor(ctx);
      if ((await missingAsUndefined(getStream(ctx.database, streamUuid))) === undefined)
        throw new GencasterError('NOT_FOUND', `stream ${streamUuid} does not exist`);
      const events = ctx.runtime.pubsub.subscribe<StreamPosition>(streamPositionTopic(streamUuid));
      const output = createPushQueue<StreamPosition>({ onClose: () => void events.return() });
      const known = lastStreamPosition(streamUuid);
      if (known) output.push(known);
      void (async () => {
        for await (const position of events) output.push(position);
      })().catch((error: unknown) => output.fail(error));
      return output;
    },
    resolve: (position) => position,
  }),
}));
