// buildApp(config) returns a ready Fastify app; server.ts only listens. Tests build their own.
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { ErrorResponse } from '@onward/contract';
import Fastify from 'fastify';
import { type AppDeps, createDeps } from './deps.ts';
import { authPlugin } from './plugins/auth.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { adminUserRoutes } from './routes/admin-users.ts';
import { authRoutes } from './routes/auth.ts';
import { blockRoutes } from './routes/blocks.ts';
import { faceRoutes } from './routes/faces.ts';
import { feedRoutes } from './routes/feed.ts';
import { helpRoutes } from './routes/help.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { playbackRoutes } from './routes/playback.ts';
import { publicMediaRoutes } from './routes/public-media.ts';
import { reactionRoutes } from './routes/reactions.ts';
import { reportRoutes } from './routes/reports.ts';
import { resumableUploadRoutes } from './routes/resumable-uploads.ts';
import { reviewRoutes } from './routes/review.ts';
import { settingsRoutes } from './routes/settings.ts';
import { videoRoutes } from './routes/videos.ts';

export interface BuildOptions {
  deps?: AppDeps;
  /** Where logs go (tests capture them to prove no secret is logged). */
  logStream?: Writable;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Never log credentials, even if a future serializer starts logging headers or bodies. */
export const LOG_REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
];

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const deps = options.deps ?? createDeps(config);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: config.api.bodyLimitBytes,
    trustProxy: config.api.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onClose', async () => {
    if (!options.deps) await deps.close();
  });

  registerErrorHandling(app);
  await app.register(helmet, { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  await app.register(cookie);
  await app.register(multipart, { throwFileSizeLimit: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Onward API',
        version: '0.1.0',
        description: 'Short-form video for people in recovery. Errors are { error: { code, message } }.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'onward_session' } } },
    },
  });
  app.addSchema(ErrorResponse);
  await app.register(authPlugin, { deps });

  await app.register(healthRoutes, { deps });
  await app.register(authRoutes, { deps, config });
  await app.register(meRoutes, { deps });
  await app.register(adminUserRoutes, { deps });
  await app.register(videoRoutes, { deps, config });
  await app.register(faceRoutes, { deps, config });
  await app.register(resumableUploadRoutes, { deps, config });
  await app.register(playbackRoutes, { deps, config });
  await app.register(publicMediaRoutes, { deps });
  await app.register(reviewRoutes, { deps, config });
  await app.register(reportRoutes, { deps, config });
  await app.register(feedRoutes, { deps, config });
  await app.register(settingsRoutes, { deps });
  await app.register(reactionRoutes, { deps });
  await app.register(blockRoutes, { deps });
  await app.register(helpRoutes, { config });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
