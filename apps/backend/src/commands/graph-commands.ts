import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  createAudioImporter,
  exportGraphArchive,
  graphArchiveFileName,
  importGraphFile,
  serializeGraphArchive,
  type ImportReport,
  type TransferEnvironment,
} from '@gencaster/api';
import { findGraphBySlug, listGraphs, type Database } from '@gencaster/db';
import { loadConfig } from '../config.ts';
import { openBackendDatabase } from '../open-backend-database.ts';

/** Same bound as uploads through the editor. */
const maxAudioBytes = 256 * 1024 * 1024;

async function withTransfer<T>(run: (env: TransferEnvironment, db: Database) => Promise<T>) {
  const config = loadConfig();
  const database = await openBackendDatabase(config);
  const mediaRoot = join(config.dataDir, 'media');
  const importer = createAudioImporter({ mediaRoot });
  try {
    return await run(
      {
        database,
        mediaRoot,
        importAudio: (input) => importer.importAudioFile(input),
        maxAudioBytes,
      },
      database,
    );
  } finally {
    await database.close();
  }
}

/** The import report as lines for a terminal. */
export function formatImportReport(report: ImportReport): string[] {
  const lines = [`format: ${report.format}`];
  for (const g of report.graphs) {
    const renamed = g.name === g.originalName ? '' : ` (was "${g.originalName}")`;
    lines.push(
      `imported "${g.name}"${renamed} as /${g.slugName}: ${g.nodes} nodes, ${g.doors} doors, ${g.cells} cells, ${g.edges} edges`,
    );
  }
  lines.push(
    `audio files: ${report.audioFiles.imported} imported, ${report.audioFiles.missing} without sound`,
  );
  for (const s of report.skipped) lines.push(`skipped ${s.count} × ${s.what}: ${s.reason}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** `gencaster graph list|export|import`: move graphs between servers and from the original Gencaster. */
export function registerGraphCommands(program: Command): void {
  const graph = program.command('graph').description('list, export and import story graphs');

  graph
    .command('list')
    .description('list graphs (slug, name, visibility)')
    .action(() =>
      withTransfer(async (_env, db) => {
        const graphs = await listGraphs(db);
        if (graphs.length === 0) console.log('no graphs yet');
        for (const g of graphs)
          console.log(`${g.slugName}\t${g.name}\t${g.publicVisible ? 'public' : 'hidden'}`);
      }),
    );

  graph
    .command('export <slug>')
    .description('write a graph with its audio files as a .gencaster.json archive (version 1)')
    .option('-o, --output <file>', 'archive file (default: <slug>.gencaster.json)')
    .action((slug: string, options: { output?: string }) =>
      withTransfer(async (env, db) => {
        const found = await findGraphBySlug(db, slug);
        if (!found) throw new Error(`no graph with slug "${slug}": see gencaster graph list`);
        const archive = await exportGraphArchive(env, found.uuid);
        const file = options.output ?? graphArchiveFileName(slug);
        await writeFile(file, serializeGraphArchive(archive));
        console.log(
          `exported "${found.name}" (${archive.nodes.length} nodes, ${archive.audioFiles.length} audio files) to ${file}`,
        );
      }),
    );

  graph
    .command('import <file>')
    .description('import a graph archive or an original Gencaster dumpdata JSON as new graph(s)')
    .option('--media-dir <dir>', 'original MEDIA_ROOT with audio_files/ (for dumps)')
    .action((file: string, options: { mediaDir?: string }) =>
      withTransfer(async (env) => {
        const text = await readFile(file, 'utf8');
        const report = await importGraphFile(env, text, {
          ...(options.mediaDir ? { mediaDir: options.mediaDir } : {}),
        });
        for (const line of formatImportReport(report)) console.log(line);
      }),
    );
}
