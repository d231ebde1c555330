// The current user: who am I, change my password, delete my account.
import { ChangePasswordBody, CurrentUserResponse, DeleteAccountBody, errorResponses } from '@onward/contract';
import { AppError, assertAcceptablePassword } from '@onward/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deleteAccountAndMedia } from '../accounts/delete-account.ts';
import { hashPassword, verifyPassword } from '../accounts/passwords.ts';
import { SESSION_COOKIE } from '../accounts/session-tokens.ts';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';

const wrongPassword = () => new AppError(403, 'wrong_password', 'That is not your current password.');

export const meRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  /** Sensitive changes need the password again, not just the session. */
  async function assertCurrentPassword(userId: string, password: string) {
    const row = await deps.users.findUserById(userId);
    if (!row || !(await verifyPassword(row.password_hash, password))) throw wrongPassword();
  }

  app.get(
    '/me',
    {
      preHandler: requireUser,
      schema: { tags: ['accounts'], summary: 'The logged-in user', response: { 200: CurrentUserResponse, ...errorResponses(401) } },
    },
    async (request) => {
      const { sessionId: _session, ...user } = userOf(request);
      return { user };
    },
  );

  app.put(
    '/me/password',
    {
      preHandler: requireUser,
      schema: {
        tags: ['accounts'],
        summary: 'Change my password (signs out my other sessions)',
        body: ChangePasswordBody,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await assertCurrentPassword(me.id, request.body.currentPassword);
      assertAcceptablePassword(request.body.newPassword, me.handle);
      await deps.users.updatePasswordHash(me.id, await hashPassword(request.body.newPassword));
      await deps.sessions.deleteSessionsOfUser(me.id, me.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['accounts'],
        summary: 'Delete my account, my videos and all their media',
        body: DeleteAccountBody,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await assertCurrentPassword(me.id, request.body.password);
      await deleteAccountAndMedia(deps, me.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
};
