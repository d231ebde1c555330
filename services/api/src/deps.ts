// The I/O the API talks to, created once per app and closed with it.
import type { Config } from '@onward/config';
import { createDb, createSessionRepository, createUserRepository, createVideoRepository, type Db } from '@onward/db';
import { createMediaQueue, type MediaQueue } from '@onward/queue';
import { createObjectStore, type ObjectStore } from '@onward/storage';
import { Redis } from 'ioredis';
import { createSessionCache, invalidatingRepositories } from './accounts/session-cache.ts';

export interface AppDeps {
  db: Db;
  redis: Redis;
  storage: ObjectStore;
  mediaQueue: MediaQueue;
  users: ReturnType<typeof createUserRepository>;
  sessions: ReturnType<typeof createSessionRepository>;
  videos: ReturnType<typeof createVideoRepository>;
  close(): Promise<void>;
}

export function createDeps(config: Config): AppDeps {
  const db = createDb({
    connectionString: config.databaseUrl,
    applicationName: 'onward-api',
    onIdleConnectionError: (error) => process.emitWarning(`idle Postgres connection lost: ${error.message}`),
  });
  const redis = new Redis(config.redis.url, {
    keyPrefix: `${config.redis.prefix}:`,
    // Commands issued while (re)connecting wait briefly instead of failing; readiness has its own timeout.
    maxRetriesPerRequest: 2,
  });
  // Without a listener ioredis logs reconnect errors as unhandled; readiness reports the outage instead.
  redis.on('error', () => {});
  const storage = createObjectStore(config.s3);
  // Invalidations travel on their own connection: a subscribed connection can do nothing else.
  const subscriber = config.auth.sessionCacheMs > 0 ? redis.duplicate() : null;
  subscriber?.on('error', () => {});
  const sessionCache = createSessionCache({
    sessions: createSessionRepository(db),
    ttlMs: config.auth.sessionCacheMs,
    pubsub: subscriber ? { publisher: redis, subscriber, channel: `${config.redis.prefix}:session-invalidation` } : undefined,
  });
  const { users, sessions } = invalidatingRepositories(createUserRepository(db), createSessionRepository(db), sessionCache);
  const mediaQueue = createMediaQueue({ redisUrl: config.redis.url, prefix: `${config.redis.prefix}:bull` });
  return {
    db,
    redis,
    storage,
    mediaQueue,
    users,
    sessions,
    videos: createVideoRepository(db),
    async close() {
      await sessionCache.close();
      await Promise.allSettled([mediaQueue.close(), db.destroy()]);
      subscriber?.disconnect();
      redis.disconnect();
      storage.client.destroy();
    },
  };
}
