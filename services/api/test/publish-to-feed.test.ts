// Issue 4's walk: a clip goes upload -> processing (real worker, ffmpeg) -> review -> feed through the real
// API; the approved one is playable anonymously from public media, the rejected one never is.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClip } from '@onward/media/test/clips.ts';
import { createMediaWorker, createWorkerDeps } from '@onward/media-worker';
import { objectKeys } from '@onward/storage';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';

let api: TestApi;
let worker: ReturnType<typeof createMediaWorker>;
let workerDeps: ReturnType<typeof createWorkerDeps>;
let dir: string;

beforeAll(async () => {
  api = await startTestApi();
  workerDeps = createWorkerDeps(api.env.config);
  worker = createMediaWorker(api.env.config, workerDeps, pino({ level: 'silent' }));
  dir = await mkdtemp(join(tmpdir(), 'onward-publish-'));
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await workerDeps?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function uploadAndProcess(cookie: string, title: string, category: string) {
  const clip = await generateClip({ path: join(dir, `${title}.mp4`), width: 360, height: 640, seconds: 3, fps: 30, audio: true });
  const { payload, headers } = multipartBody({ title, category }, { filename: 'c.mp4', data: await readFile(clip) });
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie }, payload });
  expect(res.statusCode).toBe(201);
  const id: string = res.json().video.id;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const video = (await api.app.inject({ method: 'GET', url: `/videos/${id}`, headers: { cookie } })).json().video;
    if (video.status === 'in_review') return id;
    if (video.status !== 'processing' || Date.now() > deadline) throw new Error(`${title} ended ${video.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Fetches a path of the API the way an anonymous browser would (no cookie). */
const anonymous = (url: string) => api.app.inject({ method: 'GET', url });

it('publishes an approved clip to the feed and public media, and never the rejected one', async () => {
  const creator = await signUp(api.app, 'walk_creator');
  const reviewer = await signUp(api.app, 'walk_reviewer');
  await api.deps.users.setRole((await api.deps.users.findUserByHandle('walk_reviewer'))!.id, 'reviewer');

  const approved = await uploadAndProcess(creator, 'approved', 'motivation');
  const rejected = await uploadAndProcess(creator, 'rejected', 'motivation');

  // Before review: nothing in the feed, nothing public.
  expect((await anonymous('/feed')).json().items).toEqual([]);
  expect((await anonymous(`/media/${approved}/hls/master.m3u8`)).statusCode).toBe(404);

  const queue = (await api.app.inject({ method: 'GET', url: '/review/queue', headers: { cookie: reviewer } })).json();
  expect(queue.videos.map((v: { id: string }) => v.id)).toEqual([approved, rejected]);

  const decide = (id: string, body: object) =>
    api.app.inject({ method: 'POST', url: `/review/videos/${id}/decision`, headers: { cookie: reviewer }, payload: body });
  expect((await decide(approved, { decision: 'approve', category: 'motivation', contentWarnings: ['substance_use'] })).statusCode).toBe(200);
  expect((await decide(rejected, { decision: 'reject', reason: 'A face from a meeting is visible.' })).statusCode).toBe(200);

  // The owner sees the outcome and the reason.
  const mine = (await api.app.inject({ method: 'GET', url: '/videos/mine', headers: { cookie: creator } })).json().videos;
  expect(Object.fromEntries(mine.map((v: { id: string; status: string }) => [v.id, v.status]))).toEqual({
    [approved]: 'published',
    [rejected]: 'rejected',
  });
  expect(mine.find((v: { id: string }) => v.id === rejected).reviewReason).toBe('A face from a meeting is visible.');

  // The feed lists the approved clip only, with its warning, for anyone.
  const feed = (await anonymous('/feed')).json();
  expect(feed.items.map((i: { id: string }) => i.id)).toEqual([approved]);
  expect(feed.items[0].contentWarnings).toEqual(['substance_use']);
  const masterPath = new URL(feed.items[0].masterUrl).pathname.replace(/^\/api/, '');

  // Its HLS is reachable anonymously and playable down to a segment; the rejected one never is.
  const master = await anonymous(masterPath);
  expect(master.statusCode).toBe(200);
  expect(master.headers['cache-control']).toContain('immutable');
  const variant = /^(v\d+\/index\.m3u8)$/m.exec(master.body)?.[1];
  expect(variant).toBeDefined();
  const variantPath = masterPath.replace('master.m3u8', variant ?? '');
  const playlist = await anonymous(variantPath);
  expect(playlist.statusCode).toBe(200);
  const segment = /^(seg_\d+\.m4s)$/m.exec(playlist.body)?.[1];
  expect((await anonymous(variantPath.replace('index.m3u8', segment ?? ''))).statusCode).toBe(200);

  expect((await anonymous(`/media/${rejected}/hls/master.m3u8`)).statusCode).toBe(404);
  expect(await api.deps.storage.listKeys(objectKeys.publicMediaPrefix(rejected))).toEqual([]);
  // a stranger cannot watch the rejected clip privately either
  const stranger = await signUp(api.app, 'walk_stranger');
  expect((await api.app.inject({ method: 'GET', url: `/videos/${rejected}/playback`, headers: { cookie: stranger } })).statusCode).toBe(404);
}, 240_000);
