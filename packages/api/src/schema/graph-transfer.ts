import { deleteIdleGraph, duplicateGraph } from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { requireEditor, requireEditorWrite } from '../auth/guards.ts';
import {
  exportGraphArchive,
  graphArchiveFileName,
  importGraphFile,
  serializeGraphArchive,
  type ImportedGraphReport,
  type ImportReport,
  type ImportSkip,
  type TransferEnvironment,
} from '@gencaster/transfer';
import type { ApiContext } from '../server/context.ts';
import { builder } from './builder.ts';
import { GraphRef } from './types-graph.ts';

function transferEnvironment(ctx: ApiContext): TransferEnvironment {
  const audio = ctx.runtime.services.audio;
  return {
    database: ctx.database,
    mediaRoot: ctx.runtime.options.mediaRoot,
    importAudio: audio ? (input) => audio.importAudioFile(input) : undefined,
    maxAudioBytes: ctx.runtime.options.maxUploadBytes,
  };
}

const GraphExportRef = builder
  .objectRef<{ fileName: string; content: string }>('GraphExport')
  .implement({
    description: 'A graph archive (format "gencaster-graph", version 1) as JSON text.',
    fields: (t) => ({
      fileName: t.exposeString('fileName', { description: 'Suggested file name.' }),
      content: t.exposeString('content', { description: 'The archive JSON.' }),
    }),
  });

const ImportedGraphRef = builder.objectRef<ImportedGraphReport>('ImportedGraph').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    name: t.exposeString('name'),
    slugName: t.exposeString('slugName'),
    originalName: t.exposeString('originalName'),
    nodes: t.exposeInt('nodes'),
    doors: t.exposeInt('doors'),
    cells: t.exposeInt('cells'),
    edges: t.exposeInt('edges'),
    places: t.exposeInt('places', { description: 'New (issue 19).' }),
  }),
});

const ImportSkipRef = builder.objectRef<ImportSkip>('ImportSkip').implement({
  fields: (t) => ({
    what: t.exposeString('what', { description: 'Model or record kind.' }),
    count: t.exposeInt('count'),
    reason: t.exposeString('reason'),
  }),
});

const GraphImportReportRef = builder.objectRef<ImportReport>('GraphImportReport').implement({
  description: 'What an import created, left out (with reasons) and repaired.',
  fields: (t) => ({
    format: t.exposeString('format', {
      description: '"gencaster-graph" (archive) or "django-dumpdata" (original Gencaster dump).',
    }),
    graphs: t.field({ type: [ImportedGraphRef], resolve: (report) => report.graphs }),
    audioFilesImported: t.int({ resolve: (report) => report.audioFiles.imported }),
    audioFilesMissing: t.int({
      description: 'Audio files recorded without sound (file missing or not decodable).',
      resolve: (report) => report.audioFiles.missing,
    }),
    skipped: t.field({ type: [ImportSkipRef], resolve: (report) => report.skipped }),
    warnings: t.exposeStringList('warnings'),
  }),
});

builder.queryFields((t) => ({
  exportGraph: t.field({
    type: GraphExportRef,
    description:
      'New: the graph with its nodes, cells, doors, edges and audio files as an archive. Editors only.',
    args: { graphUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { graphUuid }, ctx) => {
      requireEditor(ctx);
      const archive = await exportGraphArchive(transferEnvironment(ctx), graphUuid);
      return {
        fileName: graphArchiveFileName(archive.graph.slugName),
        content: serializeGraphArchive(archive),
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  duplicateGraph: t.field({
    type: GraphRef,
    description:
      'New: copies a graph (nodes, cells, doors, edges; audio files are shared) under new UUIDs and a free name "<name> (copy)".',
    args: {
      graphUuid: t.arg({ type: 'UUID', required: true }),
      name: t.arg.string({
        description: 'Name of the copy; must be free. Default "<name> (copy)".',
      }),
    },
    resolve: async (_root, { graphUuid, name }, ctx) => {
      requireEditorWrite(ctx);
      const { graph } = await duplicateGraph(ctx.database, graphUuid, {
        ...(name ? { name } : {}),
      });
      await ctx.runtime.events.graphChanged(graph.uuid);
      return graph;
    },
  }),
  deleteGraph: t.field({
    type: 'Boolean',
    description:
      'New: deletes a graph with everything in it and its ended streams. CONFLICT while a stream of it is active (listeners are on it); false if it did not exist.',
    args: { graphUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { graphUuid }, ctx) => {
      requireEditorWrite(ctx);
      const { deleted } = await deleteIdleGraph(ctx.database, graphUuid);
      if (deleted) await ctx.runtime.events.graphChanged(graphUuid);
      return deleted;
    },
  }),
  importGraph: t.field({
    type: GraphImportReportRef,
    description:
      'New: imports a graph archive (from exportGraph) or an original Gencaster `dumpdata` JSON as new graphs; never overwrites. INVALID_INPUT for a broken or unknown-version file (nothing is written).',
    args: { file: t.arg({ type: 'Upload', required: true }) },
    resolve: async (_root, { file }, ctx) => {
      requireEditorWrite(ctx);
      if (file.size > ctx.runtime.options.maxUploadBytes) {
        throw new GencasterError(
          'INVALID_INPUT',
          `the file is larger than ${ctx.runtime.options.maxUploadBytes} bytes`,
        );
      }
      const report = await importGraphFile(transferEnvironment(ctx), await file.text());
      for (const graph of report.graphs) await ctx.runtime.events.graphChanged(graph.uuid);
      return report;
    },
  }),
}));
