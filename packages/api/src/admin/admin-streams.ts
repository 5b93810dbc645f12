// Admin area, streams: active and ended ones with graph, point and listener count; a stream's
// variables (view, edit through createUpdateStreamVariable, delete) and instructions (filter by
// state); ending a stream. Releasing a listener waiting at a blocking node is the editors'
// releaseBlockingNode mutation, which the admin view calls as well.
import type { InstructionMessage } from '@gencaster/live';
import {
  deleteStreamVariableByUuid,
  findStream,
  getGraph,
  getStreamPoint,
  listAdminStreams,
  listStreamRunInstructions,
  listStreamVariables,
  missingAsUndefined,
  releaseStream,
  type DbHandle,
} from '@gencaster/db';
import {
  GencasterError,
  instructionStates,
  type InstructionState,
  type Stream,
} from '@gencaster/domain';
import { requireAdmin, requireAdminWrite } from '../auth/guards.ts';
import { builder } from '../schema/builder.ts';
import { GraphRef } from '../schema/types-graph.ts';
import { StreamPointRef, StreamVariableRef } from '../schema/types-stream.ts';
import { AdminPageInputRef, boundPage, pageRef } from './admin-page.ts';

/** A stream as the admin area lists it (ended ones too). */
const AdminStreamRef = builder.objectRef<Stream>('AdminStream').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    modifiedDate: t.expose('modifiedDate', { type: 'DateTime' }),
    endedDate: t.expose('endedDate', { type: 'DateTime', nullable: true }),
    active: t.exposeBoolean('active'),
    shared: t.exposeBoolean('shared'),
    numListeners: t.exposeInt('numListeners'),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      resolve: async (stream, _args, ctx) =>
        stream.graphUuid === null
          ? null
          : ((await missingAsUndefined(getGraph(ctx.database, stream.graphUuid))) ?? null),
    }),
    streamPoint: t.field({
      type: StreamPointRef,
      nullable: true,
      resolve: async (stream, _args, ctx) =>
        (await missingAsUndefined(getStreamPoint(ctx.database, stream.streamPointUuid))) ?? null,
    }),
  }),
});

/** An instruction with its times (the editors' StreamInstruction has no times). */
type AdminInstruction = InstructionMessage & { deadlineDate: Date | null };

const AdminInstructionRef = builder.objectRef<AdminInstruction>('AdminInstruction').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    modifiedDate: t.expose('modifiedDate', { type: 'DateTime' }),
    deadlineDate: t.expose('deadlineDate', { type: 'DateTime', nullable: true }),
    state: t.exposeString('state'),
    instructionText: t.exposeString('instructionText'),
    returnValue: t.exposeString('returnValue'),
  }),
});

const AdminStreamPageRef = pageRef('AdminStreamPage', AdminStreamRef);
const AdminInstructionPageRef = pageRef('AdminInstructionPage', AdminInstructionRef);

const AdminStreamFilterRef = builder.inputType('AdminStreamFilter', {
  fields: (t) => ({
    active: t.boolean(),
    graphUuid: t.field({ type: 'UUID' }),
    streamPointUuid: t.field({ type: 'UUID' }),
  }),
});

/** The stream or NOT_FOUND. */
async function streamOrThrow(handle: DbHandle, uuid: string): Promise<Stream> {
  const stream = await findStream(handle, uuid);
  if (!stream) throw new GencasterError('NOT_FOUND', `stream ${uuid} does not exist`);
  return stream;
}

function checkState(state: string | null | undefined): InstructionState | undefined {
  if (state === null || state === undefined || state === '') return undefined;
  if (!(instructionStates as readonly string[]).includes(state))
    throw new GencasterError('INVALID_INPUT', `unknown instruction state "${state.slice(0, 40)}"`, {
      details: { states: [...instructionStates] },
    });
  return state as InstructionState;
}

builder.queryFields((t) => ({
  adminStreams: t.field({
    type: AdminStreamPageRef,
    description: 'Admins only: streams, newest first, active and ended, filtered and paged.',
    args: {
      filter: t.arg({ type: AdminStreamFilterRef }),
      page: t.arg({ type: AdminPageInputRef }),
    },
    resolve: async (_root, { filter, page }, ctx) => {
      requireAdmin(ctx);
      const bounded = boundPage(page);
      const found = await listAdminStreams(ctx.database, filter ?? {}, bounded);
      return { ...bounded, ...found };
    },
  }),
  adminStreamVariables: t.field({
    type: [StreamVariableRef],
    description: "Admins only: a stream's variables by key (bounded by the per-stream limit).",
    args: { streamUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { streamUuid }, ctx) => {
      requireAdmin(ctx);
      await streamOrThrow(ctx.database, streamUuid);
      return listStreamVariables(ctx.database, streamUuid);
    },
  }),
  adminStreamInstructions: t.field({
    type: AdminInstructionPageRef,
    description:
      "Admins only: the instructions sent to the stream's point while the stream ran, newest first, optionally of one state.",
    args: {
      streamUuid: t.arg({ type: 'UUID', required: true }),
      state: t.arg.string({ description: 'UNACKNOWLEDGED, SENT, RECEIVED, FINISHED or FAILURE.' }),
      page: t.arg({ type: AdminPageInputRef }),
    },
    resolve: async (_root, { streamUuid, state, page }, ctx) => {
      requireAdmin(ctx);
      const bounded = boundPage(page);
      const wanted = checkState(state);
      const stream = await streamOrThrow(ctx.database, streamUuid);
      const found = await listStreamRunInstructions(ctx.database, stream, wanted, bounded);
      return { ...bounded, ...found };
    },
  }),
}));

builder.mutationFields((t) => ({
  adminDeleteStreamVariable: t.field({
    type: 'Boolean',
    description: 'Admins only: deletes one stream variable; false when it did not exist.',
    args: { uuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { uuid }, ctx) => {
      requireAdminWrite(ctx);
      return deleteStreamVariableByUuid(ctx.database, uuid);
    },
  }),
  adminEndStream: t.field({
    type: AdminStreamRef,
    description:
      'Admins only: ends a stream now. Its listeners on this backend get GraphDeadEnd, its engine stops and its point becomes free. Ending an ended stream changes nothing.',
    args: { streamUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { streamUuid }, ctx) => {
      requireAdminWrite(ctx);
      await streamOrThrow(ctx.database, streamUuid);
      await ctx.runtime.sessions.endStream(streamUuid);
      // Listeners held elsewhere (another backend, a play session) lose their rows here too.
      const ended = await releaseStream(ctx.database, streamUuid);
      await ctx.runtime.events.streamsChanged();
      return ended;
    },
  }),
}));
