// Admin area, accounts: list, create, reset a password, change role, deactivate/reactivate,
// delete; list and revoke a user's login sessions and API tokens. Every change that ends a
// credential announces it, so that the user's open WebSockets close at once.
import {
  adminUserOrThrow,
  createUser,
  deleteSessionByUuid,
  deleteUserWithSessions,
  endLoginSessions,
  listAdminUsers,
  listUserSessions,
  lockActiveAdmins,
  setUserPassword,
  setUserRoleAndActive,
  withTransaction,
  type DbHandle,
} from '@gencaster/db';
import { GencasterError, type Session, type User } from '@gencaster/domain';
import { requireAdmin, requireAdminWrite } from '../auth/guards.ts';
import type { ApiContext } from '../server/context.ts';
import { builder } from '../schema/builder.ts';
import { UserRoleEnum } from '../schema/enums.ts';
import { AdminPageInputRef, boundPage, pageRef, type Page } from './admin-page.ts';
import { searchText } from './admin-search.ts';

/** Largest number of sessions and tokens listed for one user (newest first). */
const MAX_SESSIONS_LISTED = 200;

/** An account as the admin area sees it. */
export const AdminUserRef = builder.objectRef<User>('AdminUser').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    username: t.exposeString('username'),
    email: t.exposeString('email'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    role: t.field({ type: UserRoleEnum, resolve: (user) => user.role }),
    isActive: t.exposeBoolean('isActive'),
  }),
});

/** A login session or API token; the token itself is never stored, so never shown. */
export const AdminSessionRef = builder.objectRef<Session>('AdminSession').implement({
  fields: (t) => ({
    uuid: t.expose('uuid', { type: 'UUID' }),
    kind: t.string({
      description: '`session` (browser login) or `api_token`.',
      resolve: (session) => session.kind,
    }),
    name: t.exposeString('name'),
    createdDate: t.expose('createdDate', { type: 'DateTime' }),
    expiresDate: t.expose('expiresDate', { type: 'DateTime', nullable: true }),
  }),
});

const AdminUserPageRef = pageRef('AdminUserPage', AdminUserRef);

const AdminUserFilterRef = builder.inputType('AdminUserFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Part of the username, name or email (case-insensitive).' }),
    role: t.field({ type: UserRoleEnum }),
    isActive: t.boolean(),
  }),
});

/**
 * CONFLICT when `user` is the last active admin: demoting, deactivating or deleting them would
 * leave nobody who can manage accounts. Runs inside the caller's transaction and locks the active
 * admins, so two admins demoting each other at once cannot both succeed.
 */
async function refuseLastAdmin(tx: DbHandle, user: User, action: string): Promise<void> {
  if (user.role !== 'admin' || !user.isActive) return;
  if ((await lockActiveAdmins(tx)) <= 1)
    throw new GencasterError('CONFLICT', `cannot ${action} the last active admin`);
}

/** Ends a user's credentials' open WebSockets after their sessions changed. */
async function announce(ctx: ApiContext, userUuid: string): Promise<void> {
  await ctx.runtime.sockets.sessionsChanged(userUuid);
}

async function listUsersPage(
  ctx: ApiContext,
  filter: { search?: string | null; role?: 'admin' | 'editor' | null; isActive?: boolean | null },
  page: { offset: number; limit: number },
): Promise<Page<User>> {
  const search = searchText(filter.search);
  const found = await listAdminUsers(ctx.database, { ...filter, search }, page);
  return { ...page, ...found };
}

builder.queryFields((t) => ({
  adminUsers: t.field({
    type: AdminUserPageRef,
    description: 'Admins only: accounts by username, filtered and paged on the server.',
    args: {
      filter: t.arg({ type: AdminUserFilterRef }),
      page: t.arg({ type: AdminPageInputRef }),
    },
    resolve: (_root, { filter, page }, ctx) => {
      requireAdmin(ctx);
      return listUsersPage(ctx, filter ?? {}, boundPage(page));
    },
  }),
  adminUserSessions: t.field({
    type: [AdminSessionRef],
    description: `Admins only: the login sessions and API tokens of a user, newest first (at most ${MAX_SESSIONS_LISTED}).`,
    args: { userUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { userUuid }, ctx) => {
      requireAdmin(ctx);
      await adminUserOrThrow(ctx.database, userUuid);
      return listUserSessions(ctx.database, userUuid, MAX_SESSIONS_LISTED);
    },
  }),
}));

builder.mutationFields((t) => ({
  adminCreateUser: t.field({
    type: AdminUserRef,
    description: 'Admins only: creates an account. CONFLICT when the username is taken.',
    args: {
      username: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      role: t.arg({ type: UserRoleEnum, required: true }),
    },
    resolve: (_root, { username, password, role }, ctx) => {
      requireAdminWrite(ctx);
      return ctx.runtime.passwordChecks.run(() =>
        createUser(ctx.database, { username, password, role }),
      );
    },
  }),
  adminResetPassword: t.field({
    type: 'Boolean',
    description:
      "Admins only: sets a user's password; the user's login sessions end (API tokens stay).",
    args: {
      userUuid: t.arg({ type: 'UUID', required: true }),
      password: t.arg.string({ required: true }),
    },
    resolve: async (_root, { userUuid, password }, ctx) => {
      requireAdminWrite(ctx);
      await adminUserOrThrow(ctx.database, userUuid);
      await ctx.runtime.passwordChecks.run(() => setUserPassword(ctx.database, userUuid, password));
      await endLoginSessions(ctx.database, userUuid);
      await announce(ctx, userUuid);
      return true;
    },
  }),
  adminUpdateUser: t.field({
    type: AdminUserRef,
    description:
      'Admins only: changes role and/or active flag. Deactivating ends the login sessions and closes the open WebSockets (API tokens stay but do not resolve while inactive). CONFLICT for the own account or the last active admin.',
    args: {
      userUuid: t.arg({ type: 'UUID', required: true }),
      role: t.arg({ type: UserRoleEnum }),
      isActive: t.arg.boolean(),
    },
    resolve: async (_root, { userUuid, role, isActive }, ctx) => {
      const viewer = requireAdminWrite(ctx);
      const demotes = role === 'editor';
      const deactivates = isActive === false;
      if (userUuid === viewer.uuid && (demotes || deactivates))
        throw new GencasterError(
          'CONFLICT',
          'an admin cannot demote or deactivate the own account',
        );
      const updated = await withTransaction(ctx.database, async (tx) => {
        const user = await adminUserOrThrow(tx, userUuid);
        if (demotes) await refuseLastAdmin(tx, user, 'demote');
        if (deactivates) await refuseLastAdmin(tx, user, 'deactivate');
        const changes = {
          ...(role ? { role } : {}),
          ...(typeof isActive === 'boolean' ? { isActive } : {}),
        };
        if (Object.keys(changes).length === 0) return user;
        const row = await setUserRoleAndActive(tx, userUuid, changes);
        if (deactivates) await endLoginSessions(tx, userUuid);
        return row;
      });
      await announce(ctx, userUuid);
      return updated;
    },
  }),
  adminDeleteUser: t.field({
    type: 'Boolean',
    description:
      'Admins only: deletes an account with its sessions and tokens in one transaction. Graphs have no owner, so they stay. CONFLICT for the own account or the last active admin.',
    args: { userUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { userUuid }, ctx) => {
      const viewer = requireAdminWrite(ctx);
      if (userUuid === viewer.uuid)
        throw new GencasterError('CONFLICT', 'an admin cannot delete the own account');
      await withTransaction(ctx.database, async (tx) => {
        const user = await adminUserOrThrow(tx, userUuid);
        await refuseLastAdmin(tx, user, 'delete');
        await deleteUserWithSessions(tx, userUuid);
      });
      await announce(ctx, userUuid);
      return true;
    },
  }),
  adminRevokeSession: t.field({
    type: 'Boolean',
    description:
      'Admins only: ends one login session or API token of any user; its open WebSockets close. False when it did not exist.',
    args: { sessionUuid: t.arg({ type: 'UUID', required: true }) },
    resolve: async (_root, { sessionUuid }, ctx) => {
      requireAdminWrite(ctx);
      const owner = await deleteSessionByUuid(ctx.database, sessionUuid);
      if (owner === undefined) return false;
      await announce(ctx, owner);
      return true;
    },
  }),
}));
