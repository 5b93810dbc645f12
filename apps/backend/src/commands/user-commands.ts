import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { userRoles, type UserRole } from '@gencaster/domain';
import { printAdminResult } from '../admin/print-admin-result.ts';
import { runAdminCommand } from '../admin/run-admin-command.ts';
import { loadConfig } from '../config.ts';

/**
 * `gencaster user add|list` and `gencaster token create`: account management without a UI. They
 * work beside a running backend (through its admin socket) as well as on a stopped one.
 */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage editor and admin accounts');

  user
    .command('add <username>')
    .description('create an account; prints a generated password unless GENCASTER_PASSWORD is set')
    .option('--role <role>', `one of: ${userRoles.join(', ')}`, 'editor')
    .action(async (username: string, options: { role: string }) => {
      if (!(userRoles as readonly string[]).includes(options.role)) {
        throw new Error(`unknown role "${options.role}": use one of ${userRoles.join(', ')}`);
      }
      const given = process.env.GENCASTER_PASSWORD;
      const password = given ?? randomBytes(12).toString('base64url');
      printAdminResult(
        await runAdminCommand(loadConfig(), 'user.add', {
          username,
          role: options.role as UserRole,
          password,
          printPassword: given === undefined,
        }),
      );
    });

  user
    .command('list')
    .description('list accounts')
    .action(async () => printAdminResult(await runAdminCommand(loadConfig(), 'user.list', {})));

  program
    .command('token')
    .description('API tokens for tools')
    .command('create <username>')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--days <days>', 'lifetime in days (0 = no expiry)', '90')
    .action(async (username: string, options: { name: string; days: string }) => {
      const days = Number(options.days);
      if (!Number.isFinite(days) || days < 0) throw new Error('--days must be 0 or more');
      printAdminResult(
        await runAdminCommand(loadConfig(), 'token.create', {
          username,
          name: options.name,
          days,
        }),
      );
    });
}
