// Liveness (the process answers) and readiness (Postgres, Redis and S3 all reachable).
import { HealthResponse, ReadinessResponse } from '@onward/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: HealthResponse } }, logLevel: 'warn' },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: Postgres, Redis and S3 reachable',
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
      logLevel: 'warn',
    },
    async (_request, reply) => {
      const [postgres, redis, s3] = await Promise.all([
        check(() => sql`select 1`.execute(deps.db)),
        check(() => deps.redis.ping()),
        check(() => deps.storage.ping()),
      ]);
      const ready = postgres === 'ok' && redis === 'ok' && s3 === 'ok';
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { postgres, redis, s3 } });
    },
  );
};
