// Per test file: a fresh database cloned from the migrated template, a private Redis key prefix
// and a private bucket on the shared S3 emulator. Everything real, nothing mocked.
import { randomBytes } from 'node:crypto';
import { type Config, type Env, loadConfig } from '@onward/config';
import { cloneTestDatabase } from '@onward/db/testing';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import './provided.ts';

export interface TestEnvironment {
  config: Config;
  /** Environment variables equivalent to `config`, for spawning real processes (API, worker). */
  env: Env;
  close(): Promise<void>;
}

export async function createTestEnvironment(overrides: Env = {}): Promise<TestEnvironment> {
  const s3 = inject('s3');
  const id = randomBytes(5).toString('hex');
  const database = await cloneTestDatabase(inject('postgresAdminUrl'), inject('databaseTemplate'));
  const redisPrefix = `onward_t_${id}`;
  const env: Env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: redisPrefix,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: `onward-t-${id}`,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    ...overrides,
  };
  const config = loadConfig(env);
  return {
    config,
    env,
    async close() {
      await database.drop();
      await deleteRedisKeys(config.redis.url, `${redisPrefix}:*`);
    },
  };
}

async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
