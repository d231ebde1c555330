// Reactions that support without competing: members add or take back their own; only the owner sees counts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, ReactionCountsResponse, ReactionParams, VideoIdParams } from '@onward/contract';
import { createReactionRepository } from '@onward/db';
import { notFound } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';

export const reactionRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const reactions = createReactionRepository(deps.db);

  const reactable = async (videoId: string, viewerId: string) => {
    // Unpublished, missing, and blocked either way all answer the same 404.
    if (!(await reactions.isReactable(videoId, viewerId))) throw notFound('That video');
  };

  app.put(
    '/videos/:id/reactions/:kind',
    {
      preHandler: requireUser,
      schema: {
        tags: ['reactions'],
        summary: 'Add my reaction (idempotent): proud_of_you, same_here, thank_you, sending_strength',
        params: ReactionParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await reactable(request.params.id, me.id);
      await reactions.addReaction(request.params.id, me.id, request.params.kind);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/videos/:id/reactions/:kind',
    {
      preHandler: requireUser,
      schema: {
        tags: ['reactions'],
        summary: 'Take back my reaction (idempotent)',
        params: ReactionParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      await reactable(request.params.id, me.id);
      await reactions.removeReaction(request.params.id, me.id, request.params.kind);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/videos/:id/reactions',
    {
      preHandler: requireUser,
      schema: {
        tags: ['reactions'],
        summary: 'Reaction counts of my own video (only the owner ever sees counts; 404 for anyone else)',
        params: VideoIdParams,
        response: { 200: ReactionCountsResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const video = await deps.videos.findVideo(request.params.id);
      if (!video || video.owner_id !== userOf(request).id) throw notFound('That video');
      return { counts: await reactions.countReactions(video.id) };
    },
  );
};
