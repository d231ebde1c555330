// Admin-only account management: roles and the verified-professional flag.
import { errorResponses, HandleParams, SetRoleBody, SetVerifiedBody, UserSummaryResponse } from '@onward/contract';
import { notFound } from '@onward/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/auth.ts';

const summary = (u: { id: string; handle: string; role: 'member' | 'reviewer' | 'admin'; verified_professional: boolean }) => ({
  user: { id: u.id, handle: u.handle, role: u.role, verifiedProfessional: u.verified_professional },
});

export const adminUserRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', requireRole('admin'));

  async function findOr404(handle: string) {
    const user = await deps.users.findUserByHandle(handle);
    if (!user) throw notFound('That user');
    return user;
  }

  app.put(
    '/admin/users/:handle/role',
    {
      schema: {
        tags: ['admin'],
        summary: "Set a user's role",
        params: HandleParams,
        body: SetRoleBody,
        response: { 200: UserSummaryResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = await findOr404(request.params.handle);
      const updated = await deps.users.setRole(user.id, request.body.role);
      if (!updated) throw notFound('That user');
      request.log.info({ targetUserId: user.id, role: request.body.role }, 'role changed');
      return summary(updated);
    },
  );

  app.put(
    '/admin/users/:handle/verified-professional',
    {
      schema: {
        tags: ['admin'],
        summary: 'Grant or withdraw the verified-professional flag',
        params: HandleParams,
        body: SetVerifiedBody,
        response: { 200: UserSummaryResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = await findOr404(request.params.handle);
      const updated = await deps.users.setVerifiedProfessional(user.id, request.body.verifiedProfessional);
      if (!updated) throw notFound('That user');
      return summary(updated);
    },
  );
};
