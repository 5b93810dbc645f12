import {
  filteredAudioFiles,
  filteredGraphs,
  filteredLiveStreamPoints,
  getAudioFile,
  getGraph,
  getNode,
  getStreamVariable,
  getUser,
  listAllNodes,
  missingAsUndefined,
  type GraphLookupFilter,
} from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { requireEditor } from '../auth/guards.ts';
import { builder } from './builder.ts';
import {
  AudioFileFilterRef,
  GraphFilterRef,
  OffsetPaginationInputRef,
  StreamPointFilterRef,
} from './filters.ts';
import { loadOrThrow } from './load.ts';
import { AudioFileRef } from './types-audio.ts';
import { GraphRef, NodeRef } from './types-graph.ts';
import { UserRef } from './types-results.ts';
import { StreamPointRef, StreamVariableRef } from './types-stream.ts';

/**
 * True for a lookup of exactly one graph by its slug and nothing else, the listener page's
 * `/listen/<slug>`: knowing the slug is the private link, so an unlisted graph is found by it.
 * Any other filter (a prefix, a pattern, OR) would let a caller enumerate unlisted graphs.
 */
function isExactSlugLookup(filters: GraphLookupFilter | null | undefined): boolean {
  if (!filters) return false;
  const keys = Object.keys(filters).filter(
    (key) =>
      filters[key as keyof GraphLookupFilter] !== undefined &&
      filters[key as keyof GraphLookupFilter] !== null,
  );
  if (keys.length !== 1 || keys[0] !== 'slugName') return false;
  const lookup = filters.slugName as Record<string, unknown>;
  const used = Object.keys(lookup).filter(
    (key) => lookup[key] !== undefined && lookup[key] !== null,
  );
  return used.length === 1 && used[0] === 'exact' && typeof lookup.exact === 'string';
}

builder.queryType({
  description: 'Queries for Gencaster.',
  fields: (t) => ({
    streamPoint: t.field({
      type: StreamPointRef,
      description: 'A live stream point (beacon within the liveness window). Editors only.',
      args: { pk: t.arg.id({ required: true }) },
      resolve: async (_root, { pk }, ctx) => {
        requireEditor(ctx);
        const [point] = await filteredLiveStreamPoints(
          ctx.database,
          { uuid: { exact: String(pk) } },
          ctx.runtime.options.liveWindowMs,
        );
        if (point === undefined)
          throw new GencasterError('NOT_FOUND', `no live stream point ${String(pk)}`);
        return point;
      },
    }),
    streamPoints: t.field({
      type: [StreamPointRef],
      description: 'Live stream points. Editors only.',
      args: { filters: t.arg({ type: StreamPointFilterRef }) },
      resolve: (_root, { filters }, ctx) => {
        requireEditor(ctx);
        return filteredLiveStreamPoints(
          ctx.database,
          filters ?? null,
          ctx.runtime.options.liveWindowMs,
        );
      },
    }),
    // An exact slug lookup alone also finds an unlisted graph (see isExactSlugLookup).
    graphs: t.field({
      type: [GraphRef],
      description: 'Graphs; anonymous callers see public graphs only.',
      args: { filters: t.arg({ type: GraphFilterRef }) },
      resolve: (_root, { filters }, ctx) =>
        filteredGraphs(ctx.database, filters ?? null, {
          publicOnly: ctx.viewer === null && !isExactSlugLookup(filters),
        }),
    }),
    graph: t.field({
      type: GraphRef,
      args: { pk: t.arg.id({ required: true }) },
      resolve: (_root, { pk }, ctx) => {
        requireEditor(ctx);
        return loadOrThrow(
          missingAsUndefined(getGraph(ctx.database, String(pk))),
          'graph',
          String(pk),
        );
      },
    }),
    nodes: t.field({
      type: [NodeRef],
      resolve: (_root, _args, ctx) => {
        requireEditor(ctx);
        return listAllNodes(ctx.database);
      },
    }),
    node: t.field({
      type: NodeRef,
      args: { pk: t.arg.id({ required: true }) },
      resolve: (_root, { pk }, ctx) => {
        requireEditor(ctx);
        return loadOrThrow(
          missingAsUndefined(getNode(ctx.database, String(pk))),
          'node',
          String(pk),
        );
      },
    }),
    audioFiles: t.field({
      type: [AudioFileRef],
      args: {
        filters: t.arg({ type: AudioFileFilterRef }),
        pagination: t.arg({ type: OffsetPaginationInputRef }),
      },
      resolve: (_root, { filters, pagination }, ctx) => {
        requireEditor(ctx);
        return filteredAudioFiles(ctx.database, filters ?? null, {
          offset: pagination?.offset ?? 0,
          limit: pagination?.limit ?? -1,
        });
      },
    }),
    audioFile: t.field({
      type: AudioFileRef,
      args: { pk: t.arg.id({ required: true }) },
      resolve: (_root, { pk }, ctx) => {
        requireEditor(ctx);
        return loadOrThrow(
          missingAsUndefined(getAudioFile(ctx.database, String(pk))),
          'audio file',
          String(pk),
        );
      },
    }),
    streamVariable: t.field({
      type: StreamVariableRef,
      args: { pk: t.arg.id({ required: true }) },
      resolve: (_root, { pk }, ctx) => {
        requireEditor(ctx);
        return loadOrThrow(
          missingAsUndefined(getStreamVariable(ctx.database, String(pk))),
          'stream variable',
          String(pk),
        );
      },
    }),
    isAuthenticated: t.field({
      type: UserRef,
      nullable: true,
      description: 'The logged-in account, or null.',
      resolve: async (_root, _args, ctx) => {
        if (ctx.viewer === null) return null;
        return (await missingAsUndefined(getUser(ctx.database, ctx.viewer.uuid))) ?? null;
      },
    }),
  }),
});
