// Crisis help, one tap away and without logging in: phone numbers and links per region.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { CrisisResourcesQuery, CrisisResourcesResponse, errorResponses } from '@onward/contract';
import { crisisResourcesFor } from '@onward/domain';
import { loadCrisisResourceData } from '../feed/crisis-data.ts';

export const helpRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  // Read and checked here, at start-up: a bad CRISIS_RESOURCES_FILE stops the API before it serves anything.
  const data = await loadCrisisResourceData(config.crisisResourcesFile);

  app.get(
    '/help/crisis-resources',
    {
      schema: {
        tags: ['help'],
        summary: 'Crisis lines for a region (default US); an unknown region gets the US data and a note',
        querystring: CrisisResourcesQuery,
        response: { 200: CrisisResourcesResponse, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return crisisResourcesFor(data, request.query.region);
    },
  );
};
