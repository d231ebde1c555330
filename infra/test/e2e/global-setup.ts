// Once per browser-test run: build the web app (turbo cache makes this instant when unchanged), start the S3
// emulator and the whole platform (API, media worker, web server), seed it through the real pipeline, and make
// the fake-camera clip. One platform is shared by every e2e file; tests use their own accounts.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateClip } from '@onward/media/test/clips.ts';
import { startEmbeddedS3 } from '@onward/storage';
import type { TestProject } from 'vitest/node';
import { root, startPlatform } from './platform.ts';
import './provided.ts';
import { seedPlatform } from './seed.ts';

const execFileAsync = promisify(execFile);
const postgresAdminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function buildWeb(): Promise<void> {
  await new Promise<void>((done, fail) => {
    const child = spawn(join(root, 'node_modules/.bin/turbo'), ['run', 'build', '--filter=@onward/web', '--output-logs=errors-only'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`web build failed (${code})`))));
  });
}

/** A y4m clip for --use-file-for-fake-video-capture (Chromium loops it). */
async function makeFakeCamera(path: string): Promise<void> {
  await execFileAsync('ffmpeg', [
    ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=15', '-t', '2'],
    ...['-pix_fmt', 'yuv420p', path],
  ]);
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'onward-e2e-'));
  const logDir = join(root, 'test-results/e2e-logs');
  await mkdir(logDir, { recursive: true });
  const [s3] = await Promise.all([startEmbeddedS3({ directory: join(dir, 's3'), port: 0, silent: true }), buildWeb()]);
  const platform = await startPlatform({ postgresAdminUrl, redisUrl, s3, logDir }).catch(async (error: unknown) => {
    await s3.close();
    throw error;
  });
  const fakeCameraPath = join(dir, 'camera.y4m');
  const sampleClipPath = join(dir, 'sample.mp4');
  try {
    const [seed] = await Promise.all([
      seedPlatform(platform.apiUrl, platform.env, dir),
      makeFakeCamera(fakeCameraPath),
      generateClip({ path: sampleClipPath, width: 360, height: 640, seconds: 3, fps: 30, audio: true }),
    ]);
    project.provide('e2e', { webUrl: platform.webUrl, apiUrl: platform.apiUrl, seed, fakeCameraPath, sampleClipPath });
  } catch (error) {
    await platform.stop();
    await s3.close();
    throw error;
  }

  return async () => {
    await platform.stop();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  };
}
