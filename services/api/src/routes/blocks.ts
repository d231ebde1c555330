// Blocking: a blocked member and I no longer see each other in the feed, both ways.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BlockListResponse, errorResponses, HandleParams } from '@onward/contract';
import { createBlockRepository } from '@onward/db';
import { badRequest, notFound } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';

export const blockRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const blocks = createBlockRepository(deps.db);

  async function target(handle: string, myId: string) {
    const user = await deps.users.findUserByHandle(handle);
    if (!user) throw notFound('That member');
    if (user.id === myId) throw badRequest('cannot_block_self', 'You cannot block yourself.');
    return user;
  }

  app.put(
    '/users/:handle/block',
    {
      preHandler: requireUser,
      schema: {
        tags: ['blocks'],
        summary: 'Block a member (idempotent): neither of us sees the other in the feed',
        params: HandleParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await blocks.block(me.id, (await target(request.params.handle, me.id)).id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/users/:handle/block',
    {
      preHandler: requireUser,
      schema: {
        tags: ['blocks'],
        summary: 'Unblock a member (idempotent)',
        params: HandleParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await blocks.unblock(me.id, (await target(request.params.handle, me.id)).id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me/blocks',
    {
      preHandler: requireUser,
      schema: { tags: ['blocks'], summary: 'Members I blocked', response: { 200: BlockListResponse, ...errorResponses(401) } },
    },
    async (request) => {
      const rows = await blocks.listBlocked(userOf(request).id);
      return { blocks: rows.map((r) => ({ handle: r.handle, blockedAt: r.created_at.toISOString() })) };
    },
  );
};
