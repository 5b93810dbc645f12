import { createLoginSession, endLoginSession, verifyLogin } from '../auth/login-sessions.ts';
import { endLoginSessions, findUserByUsername, setUserPassword, updateUser } from '@gencaster/db';
import { GencasterError } from '@gencaster/domain';
import { sessionCookie, clearedSessionCookie } from '../auth/cookies.ts';
import { requireEditorWrite } from '../auth/guards.ts';
import { builder } from './builder.ts';
import { LoginRequestResponseRef, UserRef } from './types-results.ts';

builder.mutationFields((t) => ({
  authLogin: t.field({
    type: LoginRequestResponseRef,
    description:
      'Logs in with a cookie session (HttpOnly, SameSite=Lax, Secure over HTTPS). RATE_LIMITED per client address; failed logins of one account space out its next attempts (no lock-out).',
    args: {
      username: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    resolve: async (_root, { username, password }, ctx) => {
      const attempt = await ctx.runtime.loginLimiter.begin({ clientIp: ctx.clientIp, username });
      const user = await ctx.runtime.passwordChecks.run(() =>
        verifyLogin(ctx.database, username, password),
      );
      if (user === null) {
        await attempt.failed();
        return { errorMessage: 'Wrong credentials' };
      }
      await attempt.succeeded();
      const session = await createLoginSession(ctx.database, user.uuid);
      ctx.setCookie(sessionCookie(session.token, session.expiresAt, ctx.secure));
      return user;
    },
  }),
  authLogout: t.field({
    type: 'Boolean',
    description: 'Ends this login session; its open WebSockets close at once (code 4401).',
    resolve: async (_root, _args, ctx) => {
      if (ctx.viewer === null) return true;
      const viewer = requireEditorWrite(ctx);
      if (viewer.sessionToken !== undefined)
        await endLoginSession(ctx.database, viewer.sessionToken);
      ctx.setCookie(clearedSessionCookie(ctx.secure));
      await ctx.runtime.sockets.sessionsChanged(viewer.uuid);
      return true;
    },
  }),
  authChangePassword: t.field({
    type: 'Boolean',
    description:
      'New: changes the own password (the current one is checked). Every other login session of the account ends, with its open WebSockets.',
    args: {
      currentPassword: t.arg.string({ required: true }),
      newPassword: t.arg.string({ required: true }),
    },
    resolve: async (_root, { currentPassword, newPassword }, ctx) => {
      const viewer = requireEditorWrite(ctx);
      const attempt = await ctx.runtime.loginLimiter.begin({
        clientIp: ctx.clientIp,
        username: viewer.username,
      });
      const current = await ctx.runtime.passwordChecks.run(() =>
        verifyLogin(ctx.database, viewer.username, currentPassword),
      );
      if (current === null) {
        await attempt.failed();
        throw new GencasterError('FORBIDDEN', 'the current password is wrong');
      }
      await attempt.succeeded();
      await ctx.runtime.passwordChecks.run(() =>
        setUserPassword(ctx.database, viewer.uuid, newPassword),
      );
      await endLoginSessions(ctx.database, viewer.uuid, viewer.sessionToken);
      await ctx.runtime.sockets.sessionsChanged(viewer.uuid);
      return true;
    },
  }),
  adminSetUserActive: t.field({
    type: UserRef,
    description:
      'New, admins only: activates or deactivates an account. A deactivated account cannot log in and its open WebSockets close at once.',
    args: {
      username: t.arg.string({ required: true }),
      active: t.arg.boolean({ required: true }),
    },
    resolve: async (_root, { username, active }, ctx) => {
      const viewer = requireEditorWrite(ctx);
      if (viewer.role !== 'admin') throw new GencasterError('FORBIDDEN', 'role admin required');
      const user = await findUserByUsername(ctx.database, username);
      if (!user) throw new GencasterError('NOT_FOUND', `no account "${username}"`);
      if (user.uuid === viewer.uuid && !active)
        throw new GencasterError('CONFLICT', 'an admin cannot deactivate the own account');
      const updated = await updateUser(ctx.database, user.uuid, { isActive: active });
      if (!active) await endLoginSessions(ctx.database, user.uuid);
      await ctx.runtime.sockets.sessionsChanged(user.uuid);
      return updated;
    },
  }),
}));
