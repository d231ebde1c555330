// Resumable (tus 1.0.0) uploads over real HTTP against a listening API, the real Postgres, Redis and the S3
// emulator. The tus client side is written out with fetch / node:http so every header is visible.
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClip } from '@onward/media/test/clips.ts';
import { objectKeys } from '@onward/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDeps } from '../src/deps.ts';
import { cleanUpExpiredResumableUploads } from '../src/routes/resumable-uploads.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

const TUS = { 'tus-resumable': '1.0.0' };
const METADATA = { title: '90 days today', category: 'milestone', milestoneDays: '90', filename: 'IMG_0001.mp4', filetype: 'video/mp4' };

let dir: string;
let clip: Buffer; // a real small MP4
let big: Buffer; // the MP4 padded with random bytes to ~12 MiB: several S3 parts, and resumption across them
let api: TestApi;
let base: string;
let me: string;
let other: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-tus-'));
  const path = join(dir, 'clip.mp4');
  await generateClip({ path, width: 320, height: 240, seconds: 2, fps: 30, audio: false });
  clip = await readFile(path);
  big = Buffer.concat([clip, randomBytes(12 * 1024 * 1024 - clip.length)]);
  api = await startTestApi();
  base = await listen(api);
  me = await signUp(api.app, 'tus_tess');
  other = await signUp(api.app, 'tus_otto');
}, 60_000);

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Multipart uploads begun in S3 and neither completed nor aborted (optionally: of one key). */
async function openUploads(key?: string): Promise<number> {
  const listed = await api.deps.storage.client.send(new ListMultipartUploadsCommand({ Bucket: api.deps.storage.bucket }));
  return (listed.Uploads ?? []).filter((u) => key === undefined || u.Key === key).length;
}

async function listen(t: TestApi): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function encodeMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

async function create(at: string, cookie: string | undefined, length: number, fields: Record<string, string> = METADATA, extra: Record<string, string> = {}) {
  return fetch(`${at}/uploads/resumable`, {
    method: 'POST',
    headers: {
      ...TUS,
      'upload-length': String(length),
      'upload-metadata': encodeMetadata(fields),
      ...(cookie ? { cookie } : {}),
      ...extra,
    },
  });
}

/** Creates an upload and returns its absolute URL (Location resolved against the creation URL) and id. */
async function createUpload(at: string, cookie: string, length: number) {
  const res = await create(at, cookie, length);
  expect(res.status, await res.clone().text()).toBe(201);
  const url = new URL(res.headers.get('location') ?? '', `${at}/uploads/resumable`).href;
  const id = url.split('/').pop() ?? '';
  expect(url).toBe(`${at}/uploads/resumable/${id}`);
  return { url, id };
}

function patch(url: string, cookie: string, offset: number, body: Buffer) {
  return fetch(url, {
    method: 'PATCH',
    headers: { ...TUS, cookie, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body,
  });
}

function head(url: string, cookie: string | undefined) {
  return fetch(url, { method: 'HEAD', headers: { ...TUS, ...(cookie ? { cookie } : {}) } });
}

async function offsetOf(url: string, cookie: string): Promise<number> {
  const res = await head(url, cookie);
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

/** Headers of a tus PATCH carrying `length` bytes from `offset`. */
function patchHeaders(cookie: string, offset: number, length: number) {
  return {
    ...TUS,
    cookie,
    'upload-offset': String(offset),
    'content-type': 'application/offset+octet-stream',
    'content-length': String(length),
  };
}

/** A PATCH that sends `sent` bytes of `body` and then stalls (a half-open connection); `finish` ends it. */
function patchThenStall(url: string, cookie: string, offset: number, body: Buffer, sent: number) {
  const req = httpRequest(url, {
    method: 'PATCH',
    headers: patchHeaders(cookie, offset, body.length),
  });
  const answered = new Promise<number | undefined>((resolve) => {
    req.on('error', () => resolve(undefined));
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
  });
  req.write(body.subarray(0, sent));
  return { answered, finish: () => req.destroy() };
}

/** A PATCH whose connection drops after `sent` bytes of a `body.length`-byte body (a phone going into a tunnel). */
function patchThenDrop(url: string, cookie: string, offset: number, body: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, {
      method: 'PATCH',
      headers: patchHeaders(cookie, offset, body.length),
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(body.subarray(0, sent), () => setTimeout(() => req.destroy(), 300));
  });
}

async function errorOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

async function storedSha256(key: string): Promise<string> {
  const object = await api.deps.storage.getObject(key);
  const hash = createHash('sha256');
  for await (const chunk of object.body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('resumable upload', () => {
  it('continues after a dropped connection from the offset actually stored, then registers the video', async () => {
    const { url, id } = await createUpload(base, me, big.length);
    expect(await offsetOf(url, me)).toBe(0);

    const half = 6 * 1024 * 1024;
    const first = await patch(url, me, 0, big.subarray(0, half));
    expect(first.status).toBe(204);
    expect(Number(first.headers.get('upload-offset'))).toBe(half);
    expect(first.headers.get('upload-expires')).toBeTruthy();

    // The connection drops 3 MiB into the rest; what reached the server is kept (as the store's `.part`).
    await patchThenDrop(url, me, half, big.subarray(half), 3 * 1024 * 1024);
    const stored = await offsetOf(url, me);
    expect(stored).toBeGreaterThan(half);
    expect(stored).toBeLessThan(big.length);

    const last = await patch(url, me, stored, big.subarray(stored));
    expect(last.status).toBe(204);
    expect(Number(last.headers.get('upload-offset'))).toBe(big.length);
    expect(last.headers.get('onward-video-id')).toBe(id);

    // Byte-identical original where the multipart path puts it; the upload's own state is gone.
    expect(await storedSha256(objectKeys.original(id))).toBe(sha256(big));
    for (const key of objectKeys.resumableUploadSidecars(id)) expect(await api.deps.storage.headObject(key), key).toBeNull();
    expect(await api.deps.storage.listKeys(`${objectKeys.original(id)}`)).toEqual([objectKeys.original(id)]);

    const video = await api.deps.videos.findVideo(id);
    expect(video).toMatchObject({ status: 'processing', title: '90 days today', category: 'milestone', milestone_days: 90 });
    const owner = await api.app.inject({ method: 'GET', url: `/videos/${id}`, headers: { cookie: me } });
    expect(owner.statusCode).toBe(200);
    expect(owner.json().video.status).toBe('processing');
    // BullMQ keeps a job as a hash at {prefix}:bull:{queue}:{jobId} (ids from packages/queue producers).
    const job = await api.deps.redis.hgetall(`bull:media:process-video-${id}-0`);
    expect(job.name).toBe('process-video');
    expect(JSON.parse(job.data ?? '{}')).toEqual({ videoId: id });

    // A finished upload is no longer a tus resource.
    expect((await head(url, me)).status).toBe(404);
  });

  it('refuses bad metadata before storing anything', async () => {
    const before = await api.deps.storage.listKeys('private/originals/');
    const openBefore = await openUploads();
    const cases: [Record<string, string>, string][] = [
      [{ ...METADATA, category: 'gossip' }, 'invalid_category'],
      [{ category: 'milestone' }, 'invalid_title'],
      [{ ...METADATA, onward_owner: 'someone-else' }, 'unknown_field'],
    ];
    for (const [fields, code] of cases) {
      const res = await create(base, me, clip.length, fields);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe(code);
    }
    const deferred = await fetch(`${base}/uploads/resumable`, {
      method: 'POST',
      headers: { ...TUS, cookie: me, 'upload-defer-length': '1', 'upload-metadata': encodeMetadata(METADATA) },
    });
    expect(deferred.status).toBe(400);
    expect((await errorOf(deferred)).code).toBe('deferred_length_not_allowed');
    const empty = await create(base, me, 0);
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).code).toBe('empty_file');
    const noTus = await fetch(`${base}/uploads/resumable`, { method: 'POST', headers: { cookie: me, 'upload-length': '10', 'upload-metadata': encodeMetadata(METADATA) } });
    expect(noTus.status).toBe(412);
    expect((await errorOf(noTus)).code).toBe('tus_version_unsupported');
    expect(await api.deps.storage.listKeys('private/originals/')).toEqual(before);
    expect(await openUploads()).toBe(openBefore);
  });

  it('answers 401 to anonymous requests', async () => {
    const res = await create(base, undefined, clip.length);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('unauthenticated');
    const { url } = await createUpload(base, me, clip.length);
    expect((await head(url, undefined)).status).toBe(401);
    expect((await fetch(url, { method: 'DELETE', headers: TUS })).status).toBe(401);
  });

  it("keeps my upload mine: someone else's HEAD, PATCH and DELETE answer 404 and change nothing", async () => {
    const { url } = await createUpload(base, me, clip.length);
    const half = Math.floor(clip.length / 2);
    expect((await patch(url, me, 0, clip.subarray(0, half))).status).toBe(204);

    const peek = await head(url, other);
    expect(peek.status).toBe(404);
    expect(peek.headers.get('upload-offset')).toBeNull();
    const write = await patch(url, other, half, clip.subarray(half));
    expect(write.status).toBe(404);
    expect((await errorOf(write)).code).toBe('upload_not_found');
    expect((await fetch(url, { method: 'DELETE', headers: { ...TUS, cookie: other } })).status).toBe(404);
    expect((await head(`${base}/uploads/resumable/not-a-uuid`, me)).status).toBe(404);

    expect(await offsetOf(url, me)).toBe(half);
  });

  it('answers 409 to a PATCH at the wrong offset, and the upload carries on', async () => {
    const { url, id } = await createUpload(base, me, clip.length);
    expect((await patch(url, me, 0, clip.subarray(0, 1000))).status).toBe(204);
    const wrong = await patch(url, me, 500, clip.subarray(500));
    expect(wrong.status).toBe(409);
    expect((await errorOf(wrong)).code).toBe('upload_offset_mismatch');
    expect(await offsetOf(url, me)).toBe(1000);
    const rest = await patch(url, me, 1000, clip.subarray(1000));
    expect(rest.status).toBe(204);
    expect(rest.headers.get('onward-video-id')).toBe(id);
    expect(await storedSha256(objectKeys.original(id))).toBe(sha256(clip));
  });

  it('refuses a finished file that is not a video, and deletes it', async () => {
    const notVideo = Buffer.from('%PDF-1.7 this is a document, not a clip\n'.repeat(10));
    const { url, id } = await createUpload(base, me, notVideo.length);
    const res = await patch(url, me, 0, notVideo);
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('unsupported_container');
    expect(await api.deps.storage.listKeys(objectKeys.original(id))).toEqual([]);
    expect(await api.deps.videos.findVideo(id)).toBeFalsy();
  });

  it('lets the owner abandon an upload, removing every object of it', async () => {
    const { url, id } = await createUpload(base, me, big.length);
    expect((await patch(url, me, 0, big.subarray(0, 6 * 1024 * 1024))).status).toBe(204); // one S3 part
    expect((await patch(url, me, 6 * 1024 * 1024, big.subarray(6 * 1024 * 1024, 7 * 1024 * 1024))).status).toBe(204); // a .part
    expect(await api.deps.storage.listKeys(objectKeys.original(id))).toEqual(objectKeys.resumableUploadSidecars(id));
    expect(await openUploads(objectKeys.original(id))).toBe(1);

    const res = await fetch(url, { method: 'DELETE', headers: { ...TUS, cookie: me } });
    expect(res.status).toBe(204);
    expect(await api.deps.storage.listKeys(objectKeys.original(id))).toEqual([]);
    expect(await openUploads(objectKeys.original(id))).toBe(0);
    expect((await head(url, me)).status).toBe(404);
  });

  it('leaves uploads that have not expired alone when the expiry clean-up runs', async () => {
    const { url } = await createUpload(base, me, clip.length);
    expect((await patch(url, me, 0, clip.subarray(0, 100))).status).toBe(204);
    expect(await cleanUpExpiredResumableUploads(api.env.config)).toBe(0);
    expect(await offsetOf(url, me)).toBe(100);
  });
});

describe('resumable upload across API replicas', () => {
  it("makes a retry on another replica wait for the stalled PATCH's bytes instead of racing it", async () => {
    // A second API process on the same database, Redis and bucket.
    const deps = createDeps(api.env.config);
    const replica = await buildApp(api.env.config, { deps });
    try {
      await replica.listen({ port: 0, host: '127.0.0.1' });
      const replicaBase = `http://127.0.0.1:${(replica.server.address() as AddressInfo).port}`;
      const { url, id } = await createUpload(base, me, clip.length);
      const sent = Math.floor(clip.length / 3);
      const stalled = patchThenStall(url, me, 0, clip, sent);
      await new Promise((resolve) => setTimeout(resolve, 300));

      // The replica asks the holder (through Redis) to let go; it stores what it received, then answers.
      const onReplica = url.replace(base, replicaBase);
      expect(await offsetOf(onReplica, me)).toBe(sent);
      expect(await stalled.answered).toBe(204);
      stalled.finish();

      const rest = await patch(onReplica, me, sent, clip.subarray(sent));
      expect(rest.status).toBe(204);
      expect(rest.headers.get('onward-video-id')).toBe(id);
      expect(await storedSha256(objectKeys.original(id))).toBe(sha256(clip));
    } finally {
      await replica.close();
      await deps.close();
    }
  });
});

describe('resumable upload limits', () => {
  let small: TestApi;
  let smallBase: string;
  let cookie: string;

  beforeAll(async () => {
    small = await startTestApi({ UPLOAD_MAX_BYTES: String(2 * 1024 * 1024), UPLOADS_PER_DAY: '1' });
    smallBase = await listen(small);
    cookie = await signUp(small.app, 'tus_lim');
  }, 60_000);

  afterAll(async () => {
    await small?.close();
  });

  it('refuses an Upload-Length over the limit with 413', async () => {
    const res = await create(smallBase, cookie, 2 * 1024 * 1024 + 1);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('file_too_large');
    expect(await small.deps.storage.listKeys('private/originals/')).toEqual([]);
  });

  it('refuses a new upload with 429 once the daily quota is spent', async () => {
    const { url } = await createUpload(smallBase, cookie, clip.length);
    expect((await patch(url, cookie, 0, clip)).status).toBe(204);
    const res = await create(smallBase, cookie, clip.length);
    expect(res.status).toBe(429);
    expect((await errorOf(res)).code).toBe('upload_quota_exceeded');
  });
});
