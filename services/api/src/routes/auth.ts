// Sign up, log in, log out.
import { CurrentUserResponse, errorResponses, LoginBody, SignupBody } from '@onward/contract';
import { assertAcceptablePassword, assertValidHandle, AppError, conflict } from '@onward/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { servesOverHttps } from '@onward/config';
import type { FastifyReply } from 'fastify';
import { toCurrentUser } from '../accounts/current-user.ts';
import { createLoginThrottle } from '../accounts/login-throttle.ts';
import { hashPassword, verifyPassword } from '../accounts/passwords.ts';
import { hashSessionToken, newSessionToken, SESSION_COOKIE } from '../accounts/session-tokens.ts';
import type { AppDeps } from '../deps.ts';

export function sessionCookieOptions(config: Config) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: servesOverHttps(config),
    path: '/',
    maxAge: config.auth.sessionTtlDays * 24 * 3600,
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const throttle = createLoginThrottle(deps.redis, {
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerHandle: config.auth.loginMaxPerHandle,
    windowSeconds: config.auth.loginWindowSeconds,
  });

  async function startSession(reply: FastifyReply, userId: string) {
    const { token, tokenHash } = newSessionToken();
    const expiresAt = new Date(Date.now() + config.auth.sessionTtlDays * 24 * 3600 * 1000);
    await deps.sessions.insertSession({ userId, tokenHash, expiresAt });
    reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config));
  }

  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create a pseudonymous account and log in',
        body: SignupBody,
        response: { 201: CurrentUserResponse, ...errorResponses(400, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { handle, password, email } = request.body;
      assertValidHandle(handle);
      assertAcceptablePassword(password, handle);
      const passwordHash = await hashPassword(password);
      const user = await deps.users.insertUser({ handle, email: email ?? null, passwordHash });
      if (!user) throw conflict('handle_taken', 'That handle is taken (or that e-mail is already in use). Please choose another.');
      await startSession(reply, user.id);
      return reply.status(201).send({ user: toCurrentUser(user) });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Log in with handle and password',
        body: LoginBody,
        response: { 200: CurrentUserResponse, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { handle, password } = request.body;
      await throttle.beforeAttempt(request.ip, handle);
      // One code path whether or not the handle exists: same work, same answer.
      const user = await deps.users.findUserForLogin(handle);
      const valid = await verifyPassword(user?.password_hash, password);
      if (!user || !valid) {
        await throttle.recordFailure(handle);
        throw new AppError(401, 'invalid_credentials', 'That handle and password do not match.');
      }
      await throttle.recordSuccess(handle);
      await startSession(reply, user.id);
      return { user: toCurrentUser(user) };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['accounts'], summary: 'Log out (ends this session)', response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deps.sessions.deleteSessionByTokenHash(hashSessionToken(token));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
};
