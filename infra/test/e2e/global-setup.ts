// Once per browser-test run: build the web app (turbo's cache makes this instant when unchanged), start the
// S3 emulator and the whole platform (API, media worker, web server), seed it through the real pipeline, and
// make the fake-camera clip. One platform is shared by every e2e file; tests use their own accounts.
import type { TestProject } from 'vitest/node';
import './provided.ts';
import { startSeededPlatform, TEST_POSTGRES_ADMIN_URL, TEST_REDIS_URL } from './seeded-platform.ts';

export default async function setup(project: TestProject) {
  const { stop, ...platform } = await startSeededPlatform({ postgresAdminUrl: TEST_POSTGRES_ADMIN_URL, redisUrl: TEST_REDIS_URL });
  project.provide('e2e', platform);
  return stop;
}
