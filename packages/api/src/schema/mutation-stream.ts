import { GencasterError } from '@gencaster/domain';
import { builder } from './builder.ts';
import { StreamVariableRef } from './types-stream.ts';

const StreamVariableInput = builder.inputType('StreamVariableInput', {
  fields: (t) => ({
    streamUuid: t.field({ type: 'UUID', required: true }),
    key: t.string({ required: true }),
    value: t.string({ required: true }),
    streamToSc: t.boolean({ defaultValue: false }),
  }),
});

builder.mutationFields((t) => ({
  createUpdateStreamVariable: t.field({
    type: [StreamVariableRef],
    description:
      'Upserts variables by (stream, key). Listeners must pass the listenerToken of their streamInfo session and may only write that stream; editors may write any stream. streamToSc values reach sclang as data, never as code.',
    args: {
      streamVariables: t.arg({ type: [StreamVariableInput], required: true }),
      listenerToken: t.arg.string(),
    },
    resolve: async (_root, { streamVariables, listenerToken }, ctx) => {
      const isEditor = ctx.viewer !== null && ctx.csrfVerified;
      if (!isEditor) {
        const session = listenerToken
          ? await ctx.runtime.sessions.streamForToken(listenerToken)
          : undefined;
        if (session === undefined) {
          throw new GencasterError(
            'FORBIDDEN',
            'a valid listenerToken of a running streamInfo session is required',
          );
        }
        for (const variable of streamVariables) {
          if (variable.streamUuid !== session) {
            throw new GencasterError(
              'FORBIDDEN',
              'listeners may only write variables of their own stream',
            );
          }
        }
      }
      const byStream = new Map<string, { key: string; value: string; streamToSc: boolean }[]>();
      for (const variable of streamVariables) {
        if (variable.key.length === 0 || variable.key.length > 512) {
          throw new GencasterError('INVALID_INPUT', 'variable keys have 1 to 512 characters');
        }
        const list = byStream.get(variable.streamUuid) ?? [];
        list.push({
          key: variable.key,
          value: variable.value,
          streamToSc: variable.streamToSc ?? false,
        });
        byStream.set(variable.streamUuid, list);
      }
      const results = [];
      for (const [streamUuid, variables] of byStream) {
        const stream = await ctx.data.getStream(streamUuid);
        if (stream === undefined)
          throw new GencasterError('NOT_FOUND', `stream ${streamUuid} does not exist`);
        const rows = await ctx.data.upsertStreamVariables(streamUuid, variables);
        results.push(...rows);
        await ctx.runtime.events.variablesChanged(streamUuid, variables);
        const toSc = variables.filter((variable) => variable.streamToSc);
        if (toSc.length > 0) await ctx.runtime.sendVariablesToSc(stream, toSc);
      }
      return results;
    },
  }),
}));
