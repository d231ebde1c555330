// A clip whose run the queue gave up on by itself (its worker died past BullMQ's stall limit, so the worker's own
// failure handling never ran) is failed by the API's sweep, its upload and files deleted; a clip whose run is still
// queued, running or simply quiet is left alone. Real Postgres, Redis (BullMQ) and S3 emulator; no media worker runs
// in this file, so every upload's job stays in the queue until the test moves it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClip } from '@onward/media/test/clips.ts';
import { createQueueConnection, QUEUE_NAMES } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failAbandonedProcessing } from '../src/videos/abandoned-processing.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';

let api: TestApi;
let dir: string;
let clip: Buffer;
let owner: string;
let queue: Queue;
let taker: Worker;
const connections: Array<ReturnType<typeof createQueueConnection>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-abandoned-'));
  api = await startTestApi();
  owner = await signUp(api.app, 'abandoned_owner');
  clip = await readFile(await generateClip({ path: join(dir, 'clip.mp4'), width: 320, height: 568, seconds: 1, fps: 30, audio: true }));
  const prefix = `${api.env.config.redis.prefix}:bull`;
  const connection = (role: 'producer' | 'worker') => {
    const c = createQueueConnection(api.env.config.redis.url, role);
    connections.push(c);
    return c;
  };
  queue = new Queue(QUEUE_NAMES.media, { connection: connection('producer'), prefix });
  // takes jobs by hand, as a worker that then dies would
  taker = new Worker(QUEUE_NAMES.media, null, { connection: connection('worker'), prefix, autorun: false });
}, 120_000);

afterAll(async () => {
  await taker?.close();
  await queue?.close();
  for (const c of connections) c.disconnect();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(blurFaces = 'true'): Promise<string> {
  const { payload, headers } = multipartBody({ title: 'Thirty days', category: 'milestone', blurFaces }, [{ filename: 'clip.mp4', data: clip }]);
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie: owner }, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().video.id as string;
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const original = (id: string) => api.deps.storage.headObject(objectKeys.original(id));

/** The clip's job, taken and failed for good as BullMQ fails a job that stalled more than allowed. */
async function failAsStalled(id: string) {
  const token = randomUUID();
  for (;;) {
    const job = await taker.getNextJob(token);
    if (!job) throw new Error(`no job of ${id} was waiting`);
    if (job.data.videoId !== id) {
      await job.moveToDelayed(Date.now() + 3_600_000, token);
      continue;
    }
    // for good, as BullMQ's stall check fails it (no retry left)
    await job.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), token, false);
    expect(await queue.getJobState(job.id as string)).toBe('failed');
    return;
  }
}

describe('clips whose processing was abandoned', () => {
  it('a clip whose job failed in the queue is failed, its upload and files deleted; one still queued is left alone', async () => {
    const abandoned = await upload();
    const queued = await upload('false');
    await api.deps.storage.putStream(objectKeys.privateMedia(abandoned, 'faces/1.jpg'), 'a face', { contentType: 'image/jpeg' });
    await failAsStalled(abandoned);

    // not quiet long enough yet
    expect(await failAbandonedProcessing(api.deps, minutesFromNow(5))).toBe(0);
    expect((await api.deps.videos.findVideo(abandoned))?.status).toBe('processing');

    expect(await failAbandonedProcessing(api.deps, minutesFromNow(20))).toBe(1);
    const video = await api.deps.videos.findVideo(abandoned);
    expect(video).toMatchObject({ status: 'failed', failure_code: 'processing_failed' });
    const seen = await api.app.inject({ method: 'GET', url: `/videos/${abandoned}`, headers: { cookie: owner } });
    expect(seen.json().video.failureReason).toMatch(/upload/i);
    expect(await original(abandoned)).toBeFalsy();
    expect(await api.deps.storage.listKeys(objectKeys.privateMediaPrefix(abandoned))).toEqual([]);

    // its run is still waiting for a worker: nothing happens to it, however long it has waited
    expect((await api.deps.videos.findVideo(queued))?.status).toBe('processing');
    expect(await failAbandonedProcessing(api.deps, minutesFromNow(24 * 60))).toBe(0);
    expect((await api.deps.videos.findVideo(queued))?.status).toBe('processing');
    expect(await original(queued)).toBeTruthy();
  });

  it('goes through every quiet clip, page after page: clips still queued do not hide an abandoned one', async () => {
    const queued = [await upload('false'), await upload('false')];
    const abandoned = [await upload('false'), await upload('false'), await upload('false')];
    for (const id of abandoned) await failAsStalled(id);
    // pages of one clip: every page but the last is full
    expect(await failAbandonedProcessing(api.deps, minutesFromNow(20), 1)).toBe(abandoned.length);
    for (const id of abandoned) expect((await api.deps.videos.findVideo(id))?.status).toBe('failed');
    for (const id of queued) expect((await api.deps.videos.findVideo(id))?.status).toBe('processing');
  });

  it('a clip whose files cannot be deleted stays in processing, and the next sweep fails it', async () => {
    const id = await upload();
    await failAsStalled(id);
    const storage = Object.create(api.deps.storage) as typeof api.deps.storage;
    storage.deleteObject = async () => {
      throw new Error('S3 is briefly unavailable');
    };
    await expect(failAbandonedProcessing({ ...api.deps, storage }, minutesFromNow(20))).rejects.toThrow(/kept for the next sweep/);
    expect((await api.deps.videos.findVideo(id))?.status).toBe('processing');
    expect(await original(id)).toBeTruthy();

    expect(await failAbandonedProcessing(api.deps, minutesFromNow(30))).toBeGreaterThanOrEqual(1);
    expect((await api.deps.videos.findVideo(id))?.status).toBe('failed');
    expect(await original(id)).toBeFalsy();
  });

  it('a clip with no job at all is failed only after an hour of quiet', async () => {
    const id = await upload('false');
    const job = await queue.getJob(`process-video-${id}-0`);
    await job?.remove();
    expect(await queue.getJobState(`process-video-${id}-0`)).toBe('unknown');
    expect(await failAbandonedProcessing(api.deps, minutesFromNow(30))).toBe(0);
    expect((await api.deps.videos.findVideo(id))?.status).toBe('processing');
    expect(await failAbandonedProcessing(api.deps, minutesFromNow(61))).toBeGreaterThanOrEqual(1);
    expect((await api.deps.videos.findVideo(id))?.status).toBe('failed');
    expect(await original(id)).toBeFalsy();
  });
});
