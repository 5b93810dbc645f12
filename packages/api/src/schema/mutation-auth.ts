import { sessionCookie, clearedSessionCookie } from '../auth/cookies.ts';
import { requireEditorWrite } from '../auth/guards.ts';
import { builder } from './builder.ts';
import { LoginRequestResponseRef } from './types-results.ts';

builder.mutationFields((t) => ({
  authLogin: t.field({
    type: LoginRequestResponseRef,
    description:
      'Logs in with a cookie session (HttpOnly, SameSite=Lax). Rate-limited per client and username.',
    args: {
      username: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    resolve: async (_root, { username, password }, ctx) => {
      const limiter = ctx.runtime.loginLimiter;
      const keys = [`ip:${ctx.clientIp}`, `user:${username.toLowerCase()}`];
      if (!limiter.allow(keys)) return { errorMessage: 'Too many login attempts, try again later' };
      const user = await ctx.data.verifyPassword(username, password);
      if (user === null) {
        limiter.fail(keys);
        return { errorMessage: 'Wrong credentials' };
      }
      limiter.reset(keys);
      const session = await ctx.data.createSession(user.uuid);
      ctx.setCookie(sessionCookie(session.token, session.expiresAt, ctx.secure));
      return user;
    },
  }),
  authLogout: t.field({
    type: 'Boolean',
    resolve: async (_root, _args, ctx) => {
      if (ctx.viewer === null) return true;
      const viewer = requireEditorWrite(ctx);
      if (viewer.sessionToken !== undefined) await ctx.data.deleteSession(viewer.sessionToken);
      ctx.setCookie(clearedSessionCookie(ctx.secure));
      return true;
    },
  }),
}));
