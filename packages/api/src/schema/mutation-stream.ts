import {
  getStream,
  listStreamVariableKeys,
  missingAsUndefined,
  upsertStreamVariables,
} from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { isPlaceVariable } from '@gencaster/story';
import type { ApiContext } from '../server/context.ts';
import type { ResolvedApiOptions } from '../server/runtime.ts';
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
      // Sizes first: nothing below touches the database for an oversized write.
      checkVariableSizes(streamVariables, ctx.runtime.options.streamVariableLimits);
      const isEditor = ctx.viewer !== null && ctx.csrfVerified;
      if (!isEditor) {
        if (!listenerToken) {
          throw new GencasterError(
            'FORBIDDEN',
            'a valid listenerToken of a running streamInfo session is required',
          );
        }
        await ctx.runtime.listenerWrites.take(listenerToken);
        const session = await ctx.runtime.sessions.streamForToken(listenerToken);
        if (session === undefined) {
          throw new GencasterError(
            'FORBIDDEN',
            'a valid listenerToken of a running streamInfo session is required',
          );
        }
        for (const variable of streamVariables) {
          if (isPlaceVariable(variable.key)) {
            throw new GencasterError(
              'FORBIDDEN',
              'place_… and places_… variables are derived by the engine from the listener position',
              { details: { key: variable.key } },
            );
          }
          if (variable.streamUuid !== session) {
            throw new GencasterError(
              'FORBIDDEN',
              'listeners may only write variables of their own stream',
            );
          }
        }
        ctx.runtime.sessions.markListening(listenerToken);
      }
      const byStream = new Map<string, { key: string; value: string; streamToSc: boolean }[]>();
      for (const variable of streamVariables) {
        const list = byStream.get(variable.streamUuid) ?? [];
        list.push({
          key: variable.key,
          value: variable.value,
          streamToSc: variable.streamToSc ?? false,
        });
        byStream.set(variable.streamUuid, list);
      }
      for (const [streamUuid, variables] of byStream) {
        await checkVariableCount(ctx, streamUuid, variables);
      }
      const results = [];
      for (const [streamUuid, variables] of byStream) {
        const stream = await missingAsUndefined(getStream(ctx.database, streamUuid));
        if (stream === undefined)
          throw new GencasterError('NOT_FOUND', `stream ${streamUuid} does not exist`);
        const rows = await upsertStreamVariables(
          ctx.database,
          variables.map((variable) => ({ streamUuid: streamUuid, ...variable })),
        );
        results.push(...rows);
        await ctx.runtime.events.variablesChanged(streamUuid, variables);
        const toSc = variables.filter((variable) => variable.streamToSc);
        if (toSc.length > 0) await ctx.runtime.sendVariablesToSc(stream, toSc);
      }
      return results;
    },
  }),
}));

/** Refuses keys, values and batches over the configured sizes (INVALID_INPUT, no database work). */
function checkVariableSizes(
  variables: readonly { key: string; value: string }[],
  limits: ResolvedApiOptions['streamVariableLimits'],
): void {
  if (variables.length > limits.maxPerWrite) {
    throw new GencasterError('INVALID_INPUT', `at most ${limits.maxPerWrite} variables per write`, {
      details: { maxPerWrite: limits.maxPerWrite },
    });
  }
  for (const variable of variables) {
    if (variable.key.length === 0 || variable.key.length > limits.maxKeyChars) {
      throw new GencasterError(
        'INVALID_INPUT',
        `variable keys have 1 to ${limits.maxKeyChars} characters`,
        { details: { maxKeyChars: limits.maxKeyChars } },
      );
    }
    if (variable.value.length > limits.maxValueChars) {
      throw new GencasterError(
        'INVALID_INPUT',
        `variable values have at most ${limits.maxValueChars} characters`,
        { details: { maxValueChars: limits.maxValueChars } },
      );
    }
  }
}

/** Refuses a write that would give the stream more than `maxPerStream` variables. */
async function checkVariableCount(
  ctx: ApiContext,
  streamUuid: string,
  variables: readonly { key: string }[],
): Promise<void> {
  const max = ctx.runtime.options.streamVariableLimits.maxPerStream;
  const existing = await listStreamVariableKeys(ctx.database, streamUuid);
  // The engine's place variables (one set per place of the graph) do not count.
  const keys = new Set(existing.filter((key) => !isPlaceVariable(key)));
  for (const variable of variables) if (!isPlaceVariable(variable.key)) keys.add(variable.key);
  if (keys.size > max) {
    throw new GencasterError('INVALID_INPUT', `a stream has at most ${max} variables`, {
      details: { maxPerStream: max },
    });
  }
}
