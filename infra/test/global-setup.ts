// Once per integration run: the S3 emulator over HTTP on a free port, and the migrated template database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplateDatabase, dropDatabase, dropStaleTestDatabases } from '@onward/db/testing';
import { startEmbeddedS3 } from '@onward/storage';
import '@onward/testkit';
import type { TestProject } from 'vitest/node';

// Test infrastructure may point at other local servers; the application itself reads only @onward/config.
const postgresAdminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export default async function setup(project: TestProject) {
  await dropStaleTestDatabases(postgresAdminUrl);
  const s3Dir = await mkdtemp(join(tmpdir(), 'onward-s3-'));
  const s3 = await startEmbeddedS3({ directory: s3Dir, port: 0, silent: true });
  const template = await createTemplateDatabase(postgresAdminUrl);

  project.provide('s3', {
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  project.provide('databaseTemplate', template);
  project.provide('postgresAdminUrl', postgresAdminUrl);
  project.provide('redisUrl', redisUrl);

  return async () => {
    await s3.close();
    await dropDatabase(postgresAdminUrl, template);
    await rm(s3Dir, { recursive: true, force: true });
  };
}
