// The S3 emulator, the whole platform and its seed, in one call: used by the e2e global setup and by
// bench/web-playback.ts (and handy by hand: `node --openssl-legacy-provider --import tsx infra/test/e2e/seeded-platform.ts`).
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateClip } from '@onward/media/test/clips.ts';
import { startEmbeddedS3 } from '@onward/storage';
import { root, startPlatform } from './platform.ts';
import type { E2ePlatform } from './provided.ts';
import { seedPlatform } from './seed.ts';

const execFileAsync = promisify(execFile);

export async function buildWeb(): Promise<void> {
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

export interface SeededPlatform extends E2ePlatform {
  stop(): Promise<void>;
}

export async function startSeededPlatform(options: { postgresAdminUrl: string; redisUrl: string }): Promise<SeededPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'onward-e2e-'));
  const logDir = join(root, 'test-results/e2e-logs');
  await mkdir(logDir, { recursive: true });
  const [s3] = await Promise.all([startEmbeddedS3({ directory: join(dir, 's3'), port: 0, silent: true }), buildWeb()]);
  const cleanUp = async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  };
  const platform = await startPlatform({ ...options, s3, logDir }).catch(async (error: unknown) => {
    await cleanUp();
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
    return {
      webUrl: platform.webUrl,
      apiUrl: platform.apiUrl,
      seed,
      fakeCameraPath,
      sampleClipPath,
      stop: async () => {
        await platform.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await platform.stop();
    await cleanUp();
    throw error;
  }
}

export const TEST_POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

if (import.meta.main) {
  const platform = await startSeededPlatform({ postgresAdminUrl: TEST_POSTGRES_ADMIN_URL, redisUrl: TEST_REDIS_URL });
  console.log(JSON.stringify({ webUrl: platform.webUrl, apiUrl: platform.apiUrl, seed: platform.seed }, null, 2));
  const stop = () => void platform.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
