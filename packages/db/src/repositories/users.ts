import {
  createUserSchema,
  credentialsSchema,
  GencasterError,
  parseInput,
  userRoles,
  uuidSchema,
  type CreateUserInput,
  type CredentialsInput,
  type User,
  type UserRole,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { withDatabaseErrors } from '../database-errors.ts';
import { hashPassword, needsRehash, verifyPassword } from '../password-hash.ts';

/** Columns of a user without the password hash. */
export const userColumns = [
  'uuid',
  'createdDate',
  'modifiedDate',
  'username',
  'email',
  'firstName',
  'lastName',
  'role',
  'isActive',
] as const;

/** Creates a user with an scrypt password hash. CONFLICT when the username is taken. */
export async function createUser(handle: DbHandle, user: CreateUserInput): Promise<User> {
  const { password, ...input } = parseInput(createUserSchema, user);
  const passwordHash = await hashPassword(password);
  return withDatabaseErrors(() =>
    handle.db
      .insertInto('appUser')
      .values({ ...input, passwordHash })
      .returning(userColumns)
      .executeTakeFirstOrThrow(),
  );
}

/**
 * The active user with these credentials, or undefined for an unknown user, a wrong password or an
 * inactive account (one answer for all three, so callers cannot leak which it was).
 */
export async function verifyUserCredentials(
  handle: DbHandle,
  credentials: CredentialsInput,
): Promise<User | undefined> {
  const input = parseInput(credentialsSchema, credentials);
  const row = await withDatabaseErrors(() =>
    handle.db
      .selectFrom('appUser')
      .select([...userColumns, 'passwordHash'])
      .where('username', '=', input.username)
      .executeTakeFirst(),
  );
  if (!row) {
    await hashPassword(input.password); // spend the same time as a real check
    return undefined;
  }
  const { passwordHash, ...user } = row;
  if (!(await verifyPassword(input.password, passwordHash)) || !user.isActive) return undefined;
  if (needsRehash(passwordHash)) {
    // An older, cheaper hash: replace it now that the password is known.
    const upgraded = await hashPassword(input.password);
    await withDatabaseErrors(() =>
      handle.db
        .updateTable('appUser')
        .set({ passwordHash: upgraded })
        .where('uuid', '=', user.uuid)
        .where('passwordHash', '=', passwordHash)
        .execute(),
    );
  }
  return user;
}

/** Replaces a user's password. NOT_FOUND if missing. */
export async function setUserPassword(
  handle: DbHandle,
  uuid: string,
  password: string,
): Promise<void> {
  const id = parseInput(uuidSchema, uuid);
  const { password: checked } = parseInput(createUserSchema.pick({ password: true }), { password });
  const passwordHash = await hashPassword(checked);
  const result = await withDatabaseErrors(() =>
    handle.db
      .updateTable('appUser')
      .set({ passwordHash })
      .where('uuid', '=', id)
      .executeTakeFirst(),
  );
  if (result.numUpdatedRows === 0n)
    throw new GencasterError('NOT_FOUND', `user ${id} does not exist`);
}

/** Changes role and/or active flag. NOT_FOUND if missing. */
export async function updateUser(
  handle: DbHandle,
  uuid: string,
  changes: { role?: UserRole; isActive?: boolean },
): Promise<User> {
  const id = parseInput(uuidSchema, uuid);
  if (changes.role !== undefined && !userRoles.includes(changes.role)) {
    throw new GencasterError('INVALID_INPUT', `unknown role ${String(changes.role)}`);
  }
  if (changes.role === undefined && changes.isActive === undefined) return getUser(handle, id);
  const row = await withDatabaseErrors(() =>
    handle.db
      .updateTable('appUser')
      .set(changes)
      .where('uuid', '=', id)
      .returning(userColumns)
      .executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `user ${id} does not exist`);
  return row;
}

/** The user with this uuid, or NOT_FOUND. */
export async function getUser(handle: DbHandle, uuid: string): Promise<User> {
  const id = parseInput(uuidSchema, uuid);
  const row = await withDatabaseErrors(() =>
    handle.db.selectFrom('appUser').select(userColumns).where('uuid', '=', id).executeTakeFirst(),
  );
  if (!row) throw new GencasterError('NOT_FOUND', `user ${id} does not exist`);
  return row;
}

/** The user with this username, or undefined. */
export async function findUserByUsername(
  handle: DbHandle,
  username: string,
): Promise<User | undefined> {
  return withDatabaseErrors(() =>
    handle.db
      .selectFrom('appUser')
      .select(userColumns)
      .where('username', '=', username)
      .executeTakeFirst(),
  );
}

/** All users by username. */
export async function listUsers(handle: DbHandle): Promise<User[]> {
  return withDatabaseErrors(() =>
    handle.db.selectFrom('appUser').select(userColumns).orderBy('username').execute(),
  );
}
