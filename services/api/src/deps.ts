// The I/O the API talks to, created once per app and closed with it.
import type { Config } from '@onward/config';
import { createDb, createSessionRepository, createUserRepository, createVideoRepository, type Db } from '@onward/db';
import { createMediaQueue, type MediaQueue } from '@onward/queue';
import { createObjectStore, type ObjectStore } from '@onward/storage';
import { Redis } from 'ioredis';

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
  const db = createDb({ connectionString: config.databaseUrl, applicationName: 'onward-api' });
  const redis = new Redis(config.redis.url, {
    keyPrefix: `${config.redis.prefix}:`,
    // Commands issued while (re)connecting wait briefly instead of failing; readiness has its own timeout.
    maxRetriesPerRequest: 2,
  });
  // Without a listener ioredis logs reconnect errors as unhandled; readiness reports the outage instead.
  redis.on('error', () => {});
  const storage = createObjectStore(config.s3);
  const mediaQueue = createMediaQueue({ redisUrl: config.redis.url, prefix: `${config.redis.prefix}:bull` });
  return {
    db,
    redis,
    storage,
    mediaQueue,
    users: createUserRepository(db),
    sessions: createSessionRepository(db),
    videos: createVideoRepository(db),
    async close() {
      await Promise.allSettled([mediaQueue.close(), db.destroy()]);
      redis.disconnect();
      storage.client.destroy();
    },
  };
}
