import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printAdminResult } from '../admin/print-admin-result.ts';
import { runAdminCommand } from '../admin/run-admin-command.ts';
import { loadConfig } from '../config.ts';

/**
 * `gencaster graph list|export|import`: move graphs between servers and from the original
 * Gencaster. Files are read and written here, in the CLI's directory; the database work runs where
 * the database is (a running backend's admin socket, or opened here when none runs).
 */
export function registerGraphCommands(program: Command): void {
  const graph = program.command('graph').description('list, export and import story graphs');

  graph
    .command('list')
    .description('list graphs (slug, name, visibility)')
    .action(async () => printAdminResult(await runAdminCommand(loadConfig(), 'graph.list', {})));

  graph
    .command('export <slug>')
    .description('write a graph with its audio files as a .gencaster.json archive (version 1)')
    .option('-o, --output <file>', 'archive file (default: <slug>.gencaster.json)')
    .action(async (slug: string, options: { output?: string }) => {
      const result = await runAdminCommand(loadConfig(), 'graph.export', {
        slug,
        ...(options.output ? { file: options.output } : {}),
      });
      if (result.archive === undefined || result.file === undefined)
        throw new Error('the export returned no archive');
      await writeFile(result.file, result.archive);
      printAdminResult(result);
    });

  graph
    .command('import <file>')
    .description('import a graph archive or an original Gencaster dumpdata JSON as new graph(s)')
    .option('--media-dir <dir>', 'original MEDIA_ROOT with audio_files/ (for dumps)')
    .action(async (file: string, options: { mediaDir?: string }) => {
      const text = await readFile(file, 'utf8');
      printAdminResult(
        await runAdminCommand(loadConfig(), 'graph.import', {
          text,
          // the backend may run in another working directory
          ...(options.mediaDir ? { mediaDir: resolve(options.mediaDir) } : {}),
        }),
      );
    });
}
