// A worker process killed mid-transcode: another worker takes the job over and the video reaches
// in_review exactly once, with one set of renditions; killed mid-blur, nothing unblurred is ever stored.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateClip } from '@onward/media/test/clips.ts';
import { generateFaceClip } from '@onward/media/test/face-clips/generate.ts';
import { joinRung } from '@onward/media/test/ffprobe-inspect.ts';
import { createQueueConnection, QUEUE_NAMES } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { lumaFrames, unobscuredFaces } from './face-checks.ts';
import { multipartBody } from './multipart-body.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let api: TestApi;
let dir: string;
const workers: ChildProcess[] = [];

function startWorker(name: string) {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['workers/media/src/main.ts'], {
    cwd: root,
    detached: true, // its own process group, so killing it also kills its ffmpeg, as a crashed machine would
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...api.env.env,
      LOG_LEVEL: 'info',
      MEDIA_JOB_LOCK_MS: '3000',
      MEDIA_STALLED_CHECK_MS: '1500',
    },
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  workers.push(child);
  return { child, name, output: () => output };
}

function killGroup(child: ChildProcess) {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
}

beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'onward-crash-'));
});
afterAll(async () => {
  for (const child of workers) killGroup(child);
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('resumes a job whose worker was killed mid-transcode on another worker, exactly once', async () => {
  const cookie = await signUp(api.app, 'crash_test_cam');
  const clip = await generateClip({ path: join(dir, 'clip.mp4'), width: 720, height: 1280, seconds: 12, fps: 30, audio: true });
  const { payload, headers } = multipartBody({ title: 'crash me', category: 'motivation' }, { filename: 'c.mp4', data: await readFile(clip) });
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie }, payload });
  expect(res.statusCode).toBe(201);
  const id: string = res.json().video.id;

  const first = startWorker('first');
  await poll(
    'the first worker to be transcoding',
    async () => {
      const video = await api.deps.videos.findVideo(id);
      return video && video.progress >= 10 ? video : undefined;
    },
    90_000,
  );
  killGroup(first.child);
  const before = await api.deps.videos.findVideo(id);
  expect(before?.status).toBe('processing');

  const second = startWorker('second');
  const done = await poll(
    'the second worker to finish the job',
    async () => {
      const video = await api.deps.videos.findVideo(id);
      return video && video.status !== 'processing' ? video : undefined;
    },
    150_000,
  );
  expect(done.status).toBe('in_review');
  expect(done.failure_reason).toBeNull();

  const renditions = await api.deps.videos.listRenditions(id);
  expect(renditions.map((r) => r.height)).toEqual([1280, 854, 640]);
  // the worker logs the finished job just after the status changes
  await poll('the second worker to log the job', async () => (second.output().includes('"msg":"job finished"') ? true : undefined), 10_000);
  const finished = second
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"job finished"'));
  expect(finished).toHaveLength(1);
  expect(finished[0]).toContain('"status":"done"');
  expect(second.output()).toContain('stalled');

  const connection = createQueueConnection(api.env.config.redis.url, 'producer');
  const queue = new Queue(QUEUE_NAMES.media, { connection, prefix: `${api.env.config.redis.prefix}:bull` });
  try {
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    expect(jobs.filter((j) => j.data.videoId === id).map((j) => j.finishedOn !== undefined && !j.failedReason)).toEqual([true]);
  } finally {
    await queue.close();
    connection.disconnect();
  }
  // ffmpeg of the killed worker died with it: no orphan keeps writing
  killGroup(second.child);
}, 300_000);

it('a worker killed mid-blur: the job is redone from scratch and no unblurred frame is ever stored', async () => {
  const cookie = await signUp(api.app, 'crash_blur_cam');
  const source = join(dir, 'faces.mp4');
  const truth = await generateFaceClip({ scenario: 'crowd', outPath: source, seconds: 3, seed: 11 });
  const { payload, headers } = multipartBody(
    { title: 'blur me', category: 'motivation', blurFaces: 'true' },
    { filename: 'f.mp4', data: await readFile(source) },
  );
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie }, payload });
  expect(res.statusCode).toBe(201);
  const id: string = res.json().video.id;

  const first = startWorker('blur-first');
  await poll('faces to be found', async () => ((await api.deps.videos.findVideo(id))?.status === 'awaiting_faces' ? true : undefined), 180_000);
  const chosen = await api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie }, payload: { visible: [] } });
  expect(chosen.statusCode).toBe(202);
  // Killed while the obscured ladder is being encoded (some segments already in S3).
  await poll(
    'the obscured ladder to be under way',
    async () => ((await api.deps.storage.listKeys(`${objectKeys.privateMediaPrefix(id)}hls/`)).some((k) => k.endsWith('.m4s')) ? true : undefined),
    120_000,
  );
  killGroup(first.child);
  expect((await api.deps.videos.findVideo(id))?.status).toBe('processing');

  const second = startWorker('blur-second');
  const done = await poll(
    'the second worker to finish',
    async () => {
      const video = await api.deps.videos.findVideo(id);
      return video && video.status !== 'processing' ? video : undefined;
    },
    180_000,
  );
  expect(done.status).toBe('in_review');

  // What reviewers will play: every face obscured in every frame, nothing of the upload left.
  const rendition = join(dir, 'blur-out');
  const prefix = objectKeys.privateMediaPrefix(id);
  for (const key of await api.deps.storage.listKeys(`${prefix}hls/`)) {
    const target = join(rendition, key.slice(prefix.length));
    await mkdir(dirname(target), { recursive: true });
    await api.deps.storage.downloadToFile(key, target);
  }
  const joined = await joinRung(join(rendition, 'hls'), 'v1080');
  const output = await lumaFrames(joined.path, truth.width, truth.height);
  const reference = await lumaFrames(source, truth.width, truth.height);
  expect(output).toHaveLength(truth.frameCount);
  // What the retry must get right is the same as an uninterrupted run; recall on the smallest faces (40 px) is the
  // detector's, measured by bench/face-blur.ts and the scenario tests, so this counts faces from 60 px.
  const { failures, faceFrames } = unobscuredFaces(output, reference, truth, { minFaceSize: 60 });
  expect(faceFrames).toBeGreaterThan(truth.frameCount);
  expect(failures).toEqual([]);
  expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
  expect(await api.deps.storage.listKeys(`${prefix}faces/`)).toEqual([]);
  killGroup(second.child);
}, 400_000);
