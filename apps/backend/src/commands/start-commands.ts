import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { configureLogging } from '../logger.ts';
import { refuseMigrateWhileHeld } from '../admin/run-admin-command.ts';
import { dataDirInUseError, readDataDirLockHolder } from '../data-dir-lock.ts';
import { waitForShutdownSignal } from '../shutdown.ts';

/** `gencaster start` (the whole system) and `gencaster migrate`. */
export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description(
      'run the backend (GraphQL, OSC, engines, web apps) and, by default, the sound fleet',
    )
    .option(
      '--sound-points <n>',
      'stream points to launch with the backend (default GENCASTER_SOUND_POINTS or 2)',
    )
    .action(async (options: { soundPoints?: string }) => {
      const config = loadConfig();
      configureLogging(config.logLevel);
      // Fail fast, before loading the server's code, when another process holds the data dir.
      const holder = config.databaseUrl ? undefined : readDataDirLockHolder(config.dataDir);
      if (holder) throw dataDirInUseError(config.dataDir, holder);
      const { startBackend } = await import('../start-backend.ts');
      const soundPoints =
        options.soundPoints === undefined ? config.sound.points : Number(options.soundPoints);
      if (!Number.isInteger(soundPoints) || soundPoints < 0)
        throw new Error('--sound-points must be 0 or more');
      const backend = await startBackend(config, { soundPoints, seedDemo: true });
      console.log(
        `Gencaster is running: listener ${backend.url}/  editor ${backend.url}/editor/  (Ctrl+C stops)`,
      );
      if (backend.setupUrl)
        console.log(
          `No account yet. Create the first admin in the editor (this link works once):\n  ${backend.setupUrl}`,
        );
      const signal = await waitForShutdownSignal();
      console.log(`received ${signal}, stopping`);
      // SIGTERM (orchestrators, rolling restarts): hand listeners over to the other backends.
      if (signal === 'SIGTERM') await backend.drain();
      else await backend.close();
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const config = loadConfig();
      configureLogging(config.logLevel);
      refuseMigrateWhileHeld(config);
      const { openBackendDatabase } = await import('../open-backend-database.ts');
      const database = await openBackendDatabase(config, { purpose: 'gencaster migrate' });
      await database.close();
      console.log('database is up to date');
    });
}
