#!/usr/bin/env -S npx tsx
// The `gencaster` command line: start | migrate | user | token | sound.
import { Command } from 'commander';
import { registerClusterCommands } from './commands/cluster-commands.ts';
import { registerDoctorCommand } from './commands/doctor-command.ts';
import { registerSoundCommands } from './commands/sound-commands.ts';
import { registerStartCommands } from './commands/start-commands.ts';
import { registerUserCommands } from './commands/user-commands.ts';
import { registerGraphCommands } from './commands/graph-commands.ts';

const program = new Command('gencaster')
  .description('Gencaster: live, generative and interactive audio streamed to browsers')
  .showHelpAfterError();

registerStartCommands(program);
registerUserCommands(program);
registerSoundCommands(program);
registerDoctorCommand(program);
registerClusterCommands(program);
registerGraphCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`gencaster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
