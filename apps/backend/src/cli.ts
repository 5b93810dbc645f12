#!/usr/bin/env -S npx tsx
// The `gencaster` command line: start | migrate | user | token | graph | sound | doctor | cluster.
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Which module registers which top-level command. Only the module of the command being run is
 * loaded (all of them for help or an unknown command): `gencaster user add` beside a running
 * backend then needs the admin-socket client only, not the whole server.
 */
const modules: Record<string, () => Promise<Register>> = {
  start: async () => (await import('./commands/start-commands.ts')).registerStartCommands,
  user: async () => (await import('./commands/user-commands.ts')).registerUserCommands,
  sound: async () => (await import('./commands/sound-commands.ts')).registerSoundCommands,
  doctor: async () => (await import('./commands/doctor-command.ts')).registerDoctorCommand,
  cluster: async () => (await import('./commands/cluster-commands.ts')).registerClusterCommands,
  graph: async () => (await import('./commands/graph-commands.ts')).registerGraphCommands,
};
const moduleOf: Record<string, string> = { migrate: 'start', token: 'user' };

const program = new Command('gencaster')
  .description('Gencaster: live, generative and interactive audio streamed to browsers')
  .showHelpAfterError();

try {
  const name = process.argv[2] ?? '';
  const wanted = modules[moduleOf[name] ?? name];
  const loaders = wanted ? [wanted] : Object.values(modules);
  for (const load of loaders) (await load())(program);
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`gencaster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
