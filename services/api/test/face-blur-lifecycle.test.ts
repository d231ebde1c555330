// Issue 5, what happens around a blurred clip's two runs: the owner deleting it while its faces are looked for, a
// run that fails after storing the obscured ladder (its retry must still delete what nobody may see, and never the
// ladder), and a choice of faces that could not be queued. The media worker's job runs here directly (real detector,
// ffmpeg, S3 emulator, Postgres), with one dependency at a time made to fail or to race.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFaceClip } from '@onward/media/test/face-clips/generate.ts';
import { createProcessVideo, createWorkerDeps, type WorkerDeps } from '@onward/media-worker';
import { createQueueConnection, type MediaJobs, QUEUE_NAMES } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireFaceChoices } from '../src/videos/face-choice.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';

let api: TestApi;
let workerDeps: WorkerDeps;
let dir: string;
let clip: string;
let owner: string;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-faces-life-'));
  // No media worker consumes this file's queue: each test runs the job itself.
  api = await startTestApi({ ORIGINAL_RETENTION_HOURS: '24' });
  workerDeps = createWorkerDeps(api.env.config);
  owner = await signUp(api.app, 'life_owner');
  clip = join(dir, 'closeup.mp4');
  await generateFaceClip({ scenario: 'closeup', outPath: clip, seconds: 1, seed: 3 });
}, 120_000);

afterAll(async () => {
  await workerDeps?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ctx = (attempt = 1, jobId?: string) => ({ signal: new AbortController().signal, attempt, maxAttempts: 3, ...(jobId ? { jobId } : {}) });

async function upload(): Promise<string> {
  const { payload, headers } = multipartBody({ title: 'Ninety days', category: 'milestone', blurFaces: 'true' }, [
    { filename: 'clip.mp4', data: await readFile(clip) },
  ]);
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie: owner }, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().video.id as string;
}

const statusOf = async (id: string) => (await api.deps.videos.findVideo(id))?.status;
const keysOf = (id: string, under = '') => api.deps.storage.listKeys(`${objectKeys.privateMediaPrefix(id)}${under}`);
/** The job as the worker runs it, with these dependencies. */
const runJob = (deps: WorkerDeps, id: string, attempt = 1, jobId?: string) =>
  createProcessVideo(deps, api.env.config, log)({ videoId: id }, ctx(attempt, jobId));

/** A clip whose faces were found: waiting for its owner's choice. */
async function awaitingFaces(): Promise<string> {
  const id = await upload();
  expect(await runJob(workerDeps, id)).toEqual({ status: 'done' });
  expect(await statusOf(id)).toBe('awaiting_faces');
  expect((await keysOf(id, 'faces/')).length).toBeGreaterThanOrEqual(2); // tracks.json and a thumbnail
  return id;
}

async function choose(id: string, visible: number[] = []) {
  return api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie: owner }, payload: { visible } });
}

type AwaitFaceChoice = WorkerDeps['videos']['awaitFaceChoice'];

/** The worker's dependencies with `race` run just before a run asks for the owner's choice (stored faces and all). */
function beforeChoiceAsked(race: (...args: Parameters<AwaitFaceChoice>) => Promise<void>): WorkerDeps {
  const awaitFaceChoice: AwaitFaceChoice = async (...args) => {
    await race(...args);
    return workerDeps.videos.awaitFaceChoice(...args);
  };
  return { ...workerDeps, videos: { ...workerDeps.videos, awaitFaceChoice } };
}

describe('face blur: a clip deleted while its faces are looked for', () => {
  it('keeps no thumbnail nor face list when the owner deletes it during detection', async () => {
    const id = await upload();
    // The owner deletes the clip after the faces were found and stored, just before the run asks for the choice.
    const racing = beforeChoiceAsked(async () => {
      expect((await keysOf(id, 'faces/')).length).toBeGreaterThanOrEqual(2);
      const deleted = await api.app.inject({ method: 'DELETE', url: `/videos/${id}`, headers: { cookie: owner } });
      expect(deleted.statusCode).toBe(204);
    });
    expect(await runJob(racing, id)).toEqual({ status: 'skipped', reason: 'video changed while its faces were looked for' });
    expect(await api.deps.videos.findVideo(id)).toBeFalsy();
    expect(await keysOf(id)).toEqual([]);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
  }, 120_000);

  it('a second run of the same detection (a stalled job taken over) leaves the first run\'s open choice alone', async () => {
    const id = await upload();
    // the other run got there first: the clip already waits for its owner, with these very files
    const twice = beforeChoiceAsked(async (...args) => {
      expect(await workerDeps.videos.awaitFaceChoice(...args)).toBe(true);
    });
    expect(await runJob(twice, id)).toEqual({ status: 'skipped', reason: 'video changed while its faces were looked for' });
    expect(await statusOf(id)).toBe('awaiting_faces');
    const stored = await keysOf(id, 'faces/');
    expect(stored.some((k) => k.endsWith('tracks.json'))).toBe(true);
    const listed = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } });
    const faces = listed.json().faces as Array<{ thumbnailUrl: string }>;
    expect(faces.length).toBeGreaterThanOrEqual(1);
    expect((await api.app.inject({ method: 'GET', url: faces[0]!.thumbnailUrl, headers: { cookie: owner } })).statusCode).toBe(200);
  }, 120_000);

  it('removes what a run stored between the delete route sweeping the files and removing the row', async () => {
    const id = await awaitingFaces();
    const rowDelete = api.deps.videos.deleteVideo;
    // the run's files land after the route's first sweep, before the row goes
    api.deps.videos.deleteVideo = async (videoId) => {
      await api.deps.storage.putStream(objectKeys.privateMedia(videoId, 'faces/7.jpg'), 'a bystander', { contentType: 'image/jpeg' });
      await api.deps.storage.putStream(objectKeys.privateMedia(videoId, 'faces/tracks.json'), '{}', { contentType: 'application/json' });
      return rowDelete(videoId);
    };
    try {
      const deleted = await api.app.inject({ method: 'DELETE', url: `/videos/${id}`, headers: { cookie: owner } });
      expect(deleted.statusCode).toBe(204);
    } finally {
      api.deps.videos.deleteVideo = rowDelete;
    }
    expect(await keysOf(id)).toEqual([]);
  }, 120_000);
});

describe('face blur: a run that fails after storing the obscured ladder', () => {
  it('is finished by its retry (upload, thumbnails and face list deleted) and never loses its ladder', async () => {
    const id = await awaitingFaces();
    expect((await choose(id)).statusCode).toBe(202);
    const facesPrefix = `${objectKeys.privateMedia(id, 'faces')}/`;
    let failed = false;
    const storage = Object.create(workerDeps.storage) as WorkerDeps['storage'];
    storage.deletePrefix = async (prefix: string) => {
      if (prefix === facesPrefix && !failed) {
        failed = true;
        throw new Error('S3 is briefly unavailable');
      }
      return workerDeps.storage.deletePrefix(prefix);
    };
    // The last attempt: the run moved the clip to review, then failed deleting the thumbnails.
    await expect(runJob({ ...workerDeps, storage }, id, 3)).rejects.toThrow('S3 is briefly unavailable');
    expect(failed).toBe(true);
    expect(await statusOf(id)).toBe('in_review');
    // its failure did not take the reviewed clip's ladder with it
    const ladder = await keysOf(id, 'hls/');
    expect(ladder.some((k) => k.endsWith('master.m3u8'))).toBe(true);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();

    // What the failed attempt left is deleted by the next run of the job, which encodes nothing.
    expect((await keysOf(id, 'faces/')).length).toBeGreaterThanOrEqual(2);
    expect(await runJob(workerDeps, id, 1)).toEqual({ status: 'skipped', reason: 'video is in_review' });
    expect(await keysOf(id, 'faces/')).toEqual([]);
    expect(await api.deps.videos.listFaceTracks(id)).toEqual([]);
    expect(await keysOf(id, 'hls/')).toEqual(ladder);
    expect(await statusOf(id)).toBe('in_review');
  }, 180_000);
});

describe('face blur: a run that fails for good', () => {
  /** The worker's storage, refusing every ladder segment. */
  function refusingSegments(): WorkerDeps['storage'] {
    const storage = Object.create(workerDeps.storage) as WorkerDeps['storage'];
    storage.putFile = async (key: string, ...rest) => {
      if (key.includes('/hls/')) throw new Error('S3 refuses the segments');
      return workerDeps.storage.putFile(key, ...rest);
    };
    return storage;
  }

  it('keeps what its retries need, then, failed, neither the upload nor the face pictures', async () => {
    const id = await awaitingFaces();
    expect((await choose(id)).statusCode).toBe(202);
    const storage = refusingSegments();
    const failing = { ...workerDeps, storage };
    // a retry will come: everything it needs stays
    await expect(runJob(failing, id, 1)).rejects.toThrow('S3 refuses the segments');
    expect(await statusOf(id)).toBe('processing');
    expect((await keysOf(id, 'faces/')).some((k) => k.endsWith('tracks.json'))).toBe(true);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeTruthy();
    // a resumable upload's sidecar its upload left behind (its clean-up failed): the clip owns it too
    const [sidecar] = objectKeys.resumableUploadSidecars(id);
    await api.deps.storage.putStream(sidecar as string, '{}', { contentType: 'application/json' });
    // the last attempt: the clip fails, and nothing of it is kept
    await expect(runJob(failing, id, 3)).rejects.toThrow('S3 refuses the segments');
    const video = await api.deps.videos.findVideo(id);
    expect(video).toMatchObject({ status: 'failed', failure_code: 'processing_failed' });
    expect(await keysOf(id)).toEqual([]);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
    expect(await api.deps.storage.headObject(sidecar as string)).toBeFalsy();
  }, 180_000);

  it("whose files cannot be deleted stays in processing, for the API's sweep, rather than failed with its upload kept", async () => {
    const id = await awaitingFaces();
    expect((await choose(id)).statusCode).toBe(202);
    const storage = refusingSegments();
    storage.deleteObject = async () => {
      throw new Error('S3 refuses deletions too');
    };
    // the last attempt fails with its own error, and the clip is not shown failed while its upload is still there
    await expect(runJob({ ...workerDeps, storage }, id, 3)).rejects.toThrow('S3 refuses the segments');
    expect(await statusOf(id)).toBe('processing');
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeTruthy();
  }, 180_000);
});

describe('face blur: a choice of faces that cannot be queued', () => {
  it('is undone, so that the owner can make it again', async () => {
    const id = await awaitingFaces();
    const tracks = await api.deps.videos.listFaceTracks(id);
    const enqueue = api.deps.mediaQueue.enqueueProcessVideo;
    api.deps.mediaQueue.enqueueProcessVideo = async () => {
      throw new Error('Redis is down');
    };
    try {
      const refused = await choose(id, [tracks[0]!.track_id]);
      expect(refused.statusCode).toBe(500);
    } finally {
      api.deps.mediaQueue.enqueueProcessVideo = enqueue;
    }
    const video = await api.deps.videos.findVideo(id);
    expect(video?.status).toBe('awaiting_faces');
    expect(video?.faces_chosen_at).toBeNull();
    // every face hidden again until the owner chooses
    expect((await api.deps.videos.listFaceTracks(id)).every((t) => !t.visible)).toBe(true);
    const faces = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } });
    expect(faces.statusCode).toBe(200);

    const chosen = await choose(id, []);
    expect(chosen.statusCode, chosen.body).toBe(202);
    expect(await statusOf(id)).toBe('processing');
    expect(await api.deps.videos.findVideo(id).then((v) => v?.faces_chosen_at)).toBeInstanceOf(Date);
  }, 120_000);
});

describe('face blur: an owner who never chooses', () => {
  it('gets every face blurred after FACE_CHOICE_HOURS, and the upload and thumbnails are then deleted', async () => {
    const id = await awaitingFaces();
    const hours = api.env.config.media.faceChoiceHours;
    expect(hours).toBe(168);
    const listed = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } });
    const waitingSince = (await api.deps.videos.findVideo(id))?.updated_at as Date;
    expect(listed.json().chooseBy).toBe(new Date(waitingSince.getTime() + hours * 3_600_000).toISOString());
    const soon = new Date(Date.now() + (hours - 1) * 3_600_000);
    expect(await expireFaceChoices(api.deps, api.env.config, log, soon)).toBe(0);
    expect(await statusOf(id)).toBe('awaiting_faces');

    const later = new Date(Date.now() + (hours + 1) * 3_600_000);
    expect(await expireFaceChoices(api.deps, api.env.config, log, later)).toBeGreaterThanOrEqual(1);
    const video = await api.deps.videos.findVideo(id);
    expect(video?.status).toBe('processing');
    expect(video?.faces_chosen_at).toBeInstanceOf(Date);
    expect((await api.deps.videos.listFaceTracks(id)).every((t) => !t.visible)).toBe(true);
    // the owner's choice is closed now
    expect((await choose(id, [])).statusCode).toBe(409);
    const closed = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } });
    expect(closed.json()).toMatchObject({ status: 'processing', chooseBy: null, faces: [] });
    // the run it queued (as the worker runs it): every face obscured, then nothing unblurred is kept
    expect(await runJob(workerDeps, id)).toEqual({ status: 'done' });
    expect(await statusOf(id)).toBe('in_review');
    expect(await keysOf(id, 'faces/')).toEqual([]);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
    expect(await expireFaceChoices(api.deps, api.env.config, log, later)).toBe(0);
  }, 180_000);

  it('the sweep reaches every clip past its deadline, a page at a time', async () => {
    const ids = [await awaitingFaces(), await awaitingFaces()];
    const later = new Date(Date.now() + (api.env.config.media.faceChoiceHours + 1) * 3_600_000);
    expect(await expireFaceChoices(api.deps, api.env.config, log, later, 1)).toBeGreaterThanOrEqual(ids.length);
    for (const id of ids) expect(await statusOf(id)).toBe('processing');
  }, 180_000);
});

describe('face blur: one run of a clip at a time', () => {
  it("the detection run, started again after the owner chose (its worker had died), leaves the clip to the choice's run", async () => {
    const id = await awaitingFaces();
    expect((await choose(id)).statusCode).toBe(202);
    // The jobs as the API queued them (no worker takes them here): the upload's run and the choice's.
    const connection = createQueueConnection(api.env.config.redis.url, 'producer');
    const queue = new Queue<MediaJobs['process-video']>(QUEUE_NAMES.media, { connection, prefix: `${api.env.config.redis.prefix}:bull` });
    let jobIds: string[];
    try {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'completed', 'failed', 'active']);
      jobIds = jobs.filter((j) => j.name === 'process-video' && j.data.videoId === id).map((j) => j.id as string);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    expect(jobIds).toHaveLength(2);
    const chosenAt = (await api.deps.videos.findVideo(id))?.faces_chosen_at?.getTime();
    const detectionJob = jobIds.find((j) => !j.endsWith(`-${chosenAt}`)) as string;
    const choiceJob = jobIds.find((j) => j.endsWith(`-${chosenAt}`)) as string;
    expect(detectionJob).toBeTruthy();
    expect(choiceJob).toBeTruthy();
    const before = (await keysOf(id)).sort();

    // BullMQ runs the detection job again: it must not encode alongside the choice's run (each clears hls/ first).
    expect(await runJob(workerDeps, id, 2, detectionJob)).toEqual({ status: 'skipped', reason: 'superseded by a later run of this video' });
    expect(await statusOf(id)).toBe('processing');
    expect((await keysOf(id)).sort()).toEqual(before);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeTruthy();

    // The choice's run does the work, and a late duplicate of the detection run after it changes nothing.
    expect(await runJob(workerDeps, id, 1, choiceJob)).toEqual({ status: 'done' });
    expect(await statusOf(id)).toBe('in_review');
    const published = (await keysOf(id, 'hls/')).sort();
    expect(published.some((k) => k.endsWith('.m3u8'))).toBe(true);
    expect(await runJob(workerDeps, id, 3, detectionJob)).toEqual({ status: 'skipped', reason: 'video is in_review' });
    expect((await keysOf(id, 'hls/')).sort()).toEqual(published);
  }, 180_000);
});
