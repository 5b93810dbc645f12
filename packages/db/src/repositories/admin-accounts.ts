// Queries of the admin area's accounts (packages/api `admin/admin-users.ts`): paged user lists,
// a user's sessions, role/active changes, the last-admin lock and deletes.
import {
  GencasterError,
  parseInput,
  uuidSchema,
  type Session,
  type User,
  type UserRole,
} from '@gencaster/domain';
import type { DbHandle } from '../database.ts';
import { anyColumnContains } from './text-search.ts';
import { userColumns } from './users.ts';

/** A page of an admin list: the rows of the page and the count of all matching rows. */
export interface AdminListPage<T> {
  items: T[];
  totalCount: number;
}

/** Offset and limit of an admin list page (already bounded by the caller). */
export interface AdminPageBounds {
  offset: number;
  limit: number;
}

/** The user or NOT_FOUND. */
export async function adminUserOrThrow(handle: DbHandle, uuid: string): Promise<User> {
  const row = await handle.db
    .selectFrom('appUser')
    .select(userColumns)
    .where('uuid', '=', parseInput(uuidSchema, uuid))
    .executeTakeFirst();
  if (!row) throw new GencasterError('NOT_FOUND', `user ${uuid} does not exist`);
  return row;
}

/**
 * How many admins are active, with their rows locked (`FOR UPDATE`) until the caller's
 * transaction ends, so two admins demoting each other at once cannot both succeed.
 */
export async function lockActiveAdmins(tx: DbHandle): Promise<number> {
  const admins = await tx.db
    .selectFrom('appUser')
    .select('uuid')
    .where('role', '=', 'admin')
    .where('isActive', '=', true)
    .forUpdate()
    .execute();
  return admins.length;
}

/** Filter of {@link listAdminUsers}; `search` is a literal substring (already checked). */
export interface AdminUserListFilter {
  search: string | undefined;
  role?: UserRole | null;
  isActive?: boolean | null;
}

/** Accounts by username matching the filter, one page of them and the total count. */
export async function listAdminUsers(
  handle: DbHandle,
  filter: AdminUserListFilter,
  page: AdminPageBounds,
): Promise<AdminListPage<User>> {
  let query = handle.db.selectFrom('appUser');
  if (filter.search !== undefined)
    query = query.where(
      anyColumnContains(['username', 'email', 'firstName', 'lastName'], filter.search),
    );
  if (filter.role) query = query.where('role', '=', filter.role);
  if (typeof filter.isActive === 'boolean') query = query.where('isActive', '=', filter.isActive);
  const [items, count] = await Promise.all([
    query.select(userColumns).orderBy('username').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, totalCount: Number(count.n) };
}

/** A user's login sessions and API tokens, newest first, at most `limit`. */
export function listUserSessions(
  handle: DbHandle,
  userUuid: string,
  limit: number,
): Promise<Session[]> {
  return handle.db
    .selectFrom('userSession')
    .select(['uuid', 'createdDate', 'userUuid', 'kind', 'name', 'expiresDate'])
    .where('userUuid', '=', userUuid)
    .orderBy('createdDate', 'desc')
    .limit(limit)
    .execute();
}

/** Sets role and/or active flag of an existing user and returns the row. */
export function setUserRoleAndActive(
  handle: DbHandle,
  userUuid: string,
  changes: { role?: UserRole; isActive?: boolean },
): Promise<User> {
  return handle.db
    .updateTable('appUser')
    .set(changes)
    .where('uuid', '=', userUuid)
    .returning(userColumns)
    .executeTakeFirstOrThrow();
}

/** Deletes a user's sessions and tokens, then the user (call inside a transaction). */
export async function deleteUserWithSessions(tx: DbHandle, userUuid: string): Promise<void> {
  await tx.db.deleteFrom('userSession').where('userUuid', '=', userUuid).execute();
  await tx.db.deleteFrom('appUser').where('uuid', '=', userUuid).execute();
}

/** Deletes one session or token by its uuid; returns whose it was, or undefined. */
export async function deleteSessionByUuid(
  handle: DbHandle,
  sessionUuid: string,
): Promise<string | undefined> {
  const row = await handle.db
    .deleteFrom('userSession')
    .where('uuid', '=', sessionUuid)
    .returning('userUuid')
    .executeTakeFirst();
  return row?.userUuid;
}
