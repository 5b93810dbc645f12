import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createSession, createUser, findUserByUsername, listUsers } from '@gencaster/db';
import { userRoles, type UserRole } from '@gencaster/domain';
import { loadConfig } from '../config.ts';
import { openBackendDatabase } from '../open-backend-database.ts';

/** `gencaster user add|list` and `gencaster token create`: account management without a UI. */
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
      const password = process.env.GENCASTER_PASSWORD ?? randomBytes(12).toString('base64url');
      const database = await openBackendDatabase(loadConfig());
      try {
        const created = await createUser(database, {
          username,
          password,
          role: options.role as UserRole,
        });
        console.log(`created ${created.role} "${created.username}"`);
        if (!process.env.GENCASTER_PASSWORD) console.log(`password: ${password}`);
      } finally {
        await database.close();
      }
    });

  user
    .command('list')
    .description('list accounts')
    .action(async () => {
      const database = await openBackendDatabase(loadConfig());
      try {
        const users = await listUsers(database);
        if (users.length === 0)
          console.log('no accounts yet: gencaster user add <name> --role admin');
        for (const row of users)
          console.log(`${row.username}\t${row.role}\t${row.isActive ? 'active' : 'inactive'}`);
      } finally {
        await database.close();
      }
    });

  program
    .command('token')
    .description('API tokens for tools')
    .command('create <username>')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--days <days>', 'lifetime in days (0 = no expiry)', '90')
    .action(async (username: string, options: { name: string; days: string }) => {
      const database = await openBackendDatabase(loadConfig());
      try {
        const owner = await findUserByUsername(database, username);
        if (!owner)
          throw new Error(
            `no account "${username}": create it with gencaster user add ${username}`,
          );
        const days = Number(options.days);
        const ttlMs = days > 0 ? days * 86_400_000 : null;
        const { token } = await createSession(database, {
          userUuid: owner.uuid,
          kind: 'api_token',
          name: options.name,
          ttlMs,
        });
        console.log(token);
      } finally {
        await database.close();
      }
    });
}
