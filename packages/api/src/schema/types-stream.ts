import type { InstructionMessage, LiveStream } from '@gencaster/live';
import type { StreamLog, StreamPoint, StreamVariable } from '@gencaster/domain';
import { getGraph, getStream, getStreamPoint, missingAsUndefined } from '@gencaster/db';
import type { ApiContext } from '../server/context.ts';
import { builder } from './builder.ts';
import { LogLevelEnum } from './enums.ts';
import { GraphRef } from './types-graph.ts';
import { loadOrThrow } from './load.ts';

/** Only editors and admins see it; anyone else (a listener) gets null. */
const EDITORS_ONLY = 'Editors only: null for listeners.';

/** `value` for an editor or admin, null for anyone else (listeners of `streamInfo`). */
function forEditors<T>(ctx: ApiContext, value: T): T | null {
  return ctx.viewer === null ? null : value;
}

/**
 * GraphQL type of a stream point. Split into a listener view and an editor view: everyone sees
 * what the listener page needs (uuid, input flag, mountpoint and room ids, liveness); the host,
 * the sclang and Janus ports, the Janus address and the SuperCollider name resolve for editors
 * only (null for listeners, so original clients that select them keep working).
 */
export const StreamPointRef = builder.objectRef<StreamPoint>('StreamPoint').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    modifiedDate: t.expose('modifiedDate', { type: 'DateTime' }),
    useInput: t.exposeBoolean('useInput'),
    janusInRoom: t.exposeInt('janusInRoom', { nullable: true }),
    janusOutRoom: t.exposeInt('janusOutRoom', { nullable: true }),
    lastLive: t.expose('lastLive', { type: 'DateTime', nullable: true }),
    host: t.string({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.host),
    }),
    port: t.int({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.port),
    }),
    janusInPort: t.int({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.janusInPort),
    }),
    janusOutPort: t.int({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.janusOutPort),
    }),
    janusPublicIp: t.string({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.janusPublicIp),
    }),
    scName: t.string({
      nullable: true,
      description: EDITORS_ONLY,
      resolve: (point, _args, ctx) => forEditors(ctx, point.scName),
    }),
  }),
});

/** GraphQL type of a stream (assignment of a point to listeners of a graph). */
export const StreamRef = builder.objectRef<LiveStream>('Stream').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    modifiedDate: t.expose('modifiedDate', { type: 'DateTime' }),
    numListeners: t.exposeInt('numListeners'),
    active: t.exposeBoolean('active'),
    streamPoint: t.field({
      type: StreamPointRef,
      resolve: (stream, _args, ctx) =>
        stream.point ??
        loadOrThrow(
          missingAsUndefined(getStreamPoint(ctx.database, stream.streamPointUuid)),
          'stream point',
          stream.streamPointUuid,
        ),
    }),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      resolve: async (stream, _args, ctx) =>
        stream.graphUuid === null
          ? null
          : ((await missingAsUndefined(getGraph(ctx.database, stream.graphUuid))) ?? null),
    }),
  }),
});

/** GraphQL type of an sclang instruction. */
export const StreamInstructionRef = builder
  .objectRef<InstructionMessage>('StreamInstruction')
  .implement({
    fields: (t) => ({
      uuid: t.expose('uuid', { type: 'UUID' }),
      createdDate: t.expose('createdDate', { type: 'DateTime' }),
      modifiedDate: t.expose('modifiedDate', { type: 'DateTime' }),
      state: t.exposeString('state'),
      instructionText: t.string({
        nullable: true,
        description: `The sclang code. ${EDITORS_ONLY}`,
        resolve: (instruction, _args, ctx) => forEditors(ctx, instruction.instructionText),
      }),
      returnValue: t.string({
        nullable: true,
        description: `What sclang returned. ${EDITORS_ONLY}`,
        resolve: (instruction, _args, ctx) => forEditors(ctx, instruction.returnValue),
      }),
    }),
  });

/** GraphQL type of a stream variable. */
export const StreamVariableRef = builder.objectRef<StreamVariable>('StreamVariable').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    key: t.exposeString('key'),
    value: t.exposeString('value'),
    streamToSc: t.exposeBoolean('streamToSc'),
    stream: t.field({
      type: StreamRef,
      resolve: (variable, _args, ctx) =>
        loadOrThrow(
          missingAsUndefined(getStream(ctx.database, variable.streamUuid)),
          'stream',
          variable.streamUuid,
        ),
    }),
  }),
});

/** GraphQL type of a log line; stream and stream point are nullable as in the database. */
export const StreamLogRef = builder.objectRef<StreamLog>('StreamLog').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    origin: t.exposeString('origin', { nullable: true }),
    level: t.field({ type: LogLevelEnum, resolve: (log) => normaliseLevel(log.level) }),
    message: t.exposeString('message'),
    name: t.exposeString('name', { nullable: true }),
    stream: t.field({
      type: StreamRef,
      nullable: true,
      resolve: async (log, _args, ctx) =>
        log.streamUuid === null
          ? null
          : ((await missingAsUndefined(getStream(ctx.database, log.streamUuid))) ?? null),
    }),
    streamPoint: t.field({
      type: StreamPointRef,
      nullable: true,
      resolve: async (log, _args, ctx) =>
        log.streamPointUuid === null
          ? null
          : ((await missingAsUndefined(getStreamPoint(ctx.database, log.streamPointUuid))) ?? null),
    }),
  }),
});

function normaliseLevel(level: number): 50 | 40 | 30 | 20 | 10 | 0 {
  if (level >= 50) return 50;
  if (level >= 40) return 40;
  if (level >= 30) return 30;
  if (level >= 20) return 20;
  if (level >= 10) return 10;
  return 0;
}
