// Issue 5 acceptance: a generated clip with known faces goes through the real API and the real worker (real face
// detector, ffmpeg, S3 emulator) with blur on, is approved, and its published rendition is decoded frame by frame:
// every ground-truth face is obscured, everything else matches the unblurred picture, and no object in S3 still
// holds the unblurred video.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { joinRung } from '@onward/media/test/ffprobe-inspect.ts';
import { generateFaceClip } from '@onward/media/test/face-clips/generate.ts';
import type { FaceClipTruth, Rect } from '@onward/media/test/face-clips/truth.ts';
import { createMediaWorker, createWorkerDeps } from '@onward/media-worker';
import { planLadder, probeMedia, renderPoster, validateSource } from '@onward/media';
import { objectKeys } from '@onward/storage';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';
import { clip, detailKept, enlarged, lumaFrames, unobscuredFaces } from './face-checks.ts';

const execFileAsync = promisify(execFile);
let api: TestApi;
let worker: ReturnType<typeof createMediaWorker>;
let workerDeps: ReturnType<typeof createWorkerDeps>;
let dir: string;
let owner: string;
let reviewer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-faces-'));
  api = await startTestApi({ ORIGINAL_RETENTION_HOURS: '24' });
  workerDeps = createWorkerDeps(api.env.config);
  worker = createMediaWorker(api.env.config, workerDeps, pino({ level: 'silent' }));
  owner = await signUp(api.app, 'blur_owner');
  reviewer = await signUp(api.app, 'blur_reviewer');
  await api.deps.users.setRole((await api.deps.users.findUserByHandle('blur_reviewer'))!.id, 'reviewer');
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await workerDeps?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(file: string, fields: Record<string, string>) {
  const { payload, headers } = multipartBody({ title: 'A meeting, faces hidden', category: 'motivation', ...fields }, [
    { filename: 'clip.mp4', data: await readFile(file) },
  ]);
  const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie: owner }, payload });
  expect(res.statusCode).toBe(201);
  return res.json().video.id as string;
}

async function waitForStatus(videoId: string, wanted: string[], timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const video = (await api.app.inject({ method: 'GET', url: `/videos/${videoId}`, headers: { cookie: owner } })).json().video;
    if (wanted.includes(video.status)) return video;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`video ${videoId} did not reach ${wanted.join('/')} in time`);
}

/**
 * The faces a poster (scaled to the clip's size) shows unobscured: it is compared with the upload's frame it was
 * taken from, found as the one it differs least from (ffmpeg's seek lands on a frame near the poster's time).
 */
function posterFaces(poster: Buffer, reference: Buffer[], truth: FaceClipTruth) {
  const distance = (frame: Buffer) => {
    let sum = 0;
    for (let i = 0; i < frame.length; i += 7) sum += Math.abs((frame[i] as number) - (poster[i] as number));
    return sum;
  };
  const candidates = reference.slice(0, 30).map((frame, index) => ({ index, d: distance(frame) }));
  const { index } = candidates.reduce((best, c) => (c.d < best.d ? c : best));
  const one: FaceClipTruth = { ...truth, frameCount: 1, frames: [truth.frames[index] ?? []] };
  return unobscuredFaces([poster], [reference[index] as Buffer], one);
}

describe('face blur end to end', () => {
  let truth: FaceClipTruth;
  let source: string;
  let videoId: string;

  beforeAll(async () => {
    source = join(dir, 'crowd.mp4');
    truth = await generateFaceClip({ scenario: 'crowd', outPath: source, seconds: 3, seed: 7 });
    videoId = await upload(source, { blurFaces: 'true' });
    // Faces were found: the clip waits for its owner's choice, and nobody else can see what was found.
    const waiting = await waitForStatus(videoId, ['awaiting_faces', 'in_review', 'failed']);
    expect(waiting.status, JSON.stringify(waiting)).toBe('awaiting_faces');
    const faces = await api.app.inject({ method: 'GET', url: `/videos/${videoId}/faces`, headers: { cookie: owner } });
    expect(faces.statusCode).toBe(200);
    expect(faces.json().faces.length).toBeGreaterThanOrEqual(3);
    // Blur everyone (the default choice).
    const chosen = await api.app.inject({ method: 'PUT', url: `/videos/${videoId}/faces`, headers: { cookie: owner }, payload: { visible: [] } });
    expect(chosen.statusCode, chosen.body).toBe(202);
    const video = await waitForStatus(videoId, ['in_review', 'failed']);
    expect(video.status, JSON.stringify(video)).toBe('in_review');
    const decided = await api.app.inject({
      method: 'POST',
      url: `/review/videos/${videoId}/decision`,
      headers: { cookie: reviewer },
      payload: { decision: 'approve', category: 'motivation' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
  }, 400_000);

  it('obscures every ground-truth face in every frame of the published rendition and keeps the rest', async () => {
    const published = join(dir, 'published');
    const prefix = `${objectKeys.publicMediaPrefix(videoId)}`;
    const keys = await api.deps.storage.listKeys(prefix);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const target = join(published, key.slice(prefix.length));
      await mkdir(dirname(target), { recursive: true });
      await api.deps.storage.downloadToFile(key, target);
    }
    const { width, height } = truth;
    const joined = await joinRung(join(published, 'hls'), 'v1080');
    const output = await lumaFrames(joined.path, width, height);
    const reference = await lumaFrames(source, width, height);
    expect(output).toHaveLength(truth.frameCount);
    expect(reference).toHaveLength(truth.frameCount);

    const { failures, faceFrames } = unobscuredFaces(output, reference, truth);
    const changedShares: number[] = [];
    for (let f = 0; f < truth.frameCount; f++) {
      const faces = truth.frames[f] ?? [];
      // Outside the faces (with room for the 1.5x enlargement and a mover's sweep) the picture is the upload's:
      // only codec noise differs, except where the tracker obscured more than a face (kept small).
      const around = faces.map((face) => enlarged(face, 2.2));
      let changed = 0;
      let count = 0;
      for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
          if (around.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)) continue;
          const d = ((output[f] as Buffer)[y * width + x] as number) - ((reference[f] as Buffer)[y * width + x] as number);
          if (Math.abs(d) > 24) changed++;
          count++;
        }
      }
      changedShares.push(changed / count);
    }
    const meanChanged = changedShares.reduce((a, b) => a + b, 0) / changedShares.length;
    // The over-blur target (< 2% of the frame outside the faces enlarged 1.5x) is measured by bench/face-blur.ts on
    // the 15 s clip; here, on 3 s with tighter margins, a little more is allowed for the edge and arrival rules.
    expect(meanChanged, 'share of the picture outside the faces that was changed').toBeLessThan(0.04);
    expect(Math.max(...changedShares)).toBeLessThan(0.1);
    expect(faceFrames).toBeGreaterThan(truth.frameCount);
    expect(failures).toEqual([]);
  });

  it('publishes a poster (what the feed shows before playback) with every face obscured too', async () => {
    const { width, height } = truth;
    const poster = join(dir, 'published-poster.jpg');
    await api.deps.storage.downloadToFile(objectKeys.publicMedia(videoId, 'poster.jpg'), poster);
    const reference = await lumaFrames(source, width, height);
    // The same check on a poster taken from the upload must find faces, or it could not fail.
    const fromUpload = join(dir, 'upload-poster.jpg');
    await renderPoster(planLadder(validateSource(await probeMedia(source))), source, fromUpload, { timeoutMs: 60_000 });
    const unblurred = posterFaces((await lumaFrames(fromUpload, width, height))[0] as Buffer, reference, truth);
    expect(unblurred.faceFrames).toBeGreaterThanOrEqual(3);
    expect(unblurred.failures.length).toBeGreaterThanOrEqual(3);
    const published = posterFaces((await lumaFrames(poster, width, height))[0] as Buffer, reference, truth);
    expect(published.faceFrames).toBeGreaterThanOrEqual(3);
    expect(published.failures).toEqual([]);
  });

  it('leaves no object in S3 that holds the unblurred video', async () => {
    expect(await api.deps.storage.headObject(objectKeys.original(videoId))).toBeFalsy();
    const all = await api.deps.storage.listKeys('');
    const unexpected = all.filter(
      (key) =>
        !key.startsWith(objectKeys.publicMediaPrefix(videoId)) &&
        !key.startsWith(objectKeys.privateMediaPrefix(videoId)),
    );
    expect(unexpected).toEqual([]);
    // Only renditions, images and their index remain: no container that could be the upload.
    expect(all.filter((key) => !/\.(m3u8|m4s|mp4|jpg|json|vtt)$/.test(key))).toEqual([]);
    expect(all.filter((key) => key.endsWith('.mp4')).every((key) => /\/init_v\d+\.mp4$/.test(key))).toBe(true);
  });
});

describe('face blur: bad input', () => {
  it('blur requested on an audio-only file fails with a clear reason and keeps nothing', async () => {
    const audio = join(dir, 'voice.m4a');
    await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2', '-c:a', 'aac', '-f', 'mp4', audio]);
    const id = await upload(audio, { blurFaces: 'true' });
    const video = await waitForStatus(id, ['failed', 'in_review']);
    expect(video.status).toBe('failed');
    expect(video.failureCode).toBe('no_video_stream');
    expect(video.failureReason).toMatch(/no picture/i);
    expect(await api.deps.storage.listKeys(objectKeys.privateMediaPrefix(id))).toEqual([]);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
  });
});

describe('face blur: the owner keeps their own face visible', () => {
  it('shows the owner (only) a thumbnail per face, takes the choice, and leaves the chosen face unblurred', async () => {
    const source = join(dir, 'closeup.mp4');
    const truth = await generateFaceClip({ scenario: 'closeup', outPath: source, seconds: 1, seed: 5 });
    const id = await upload(source, { blurFaces: 'true' });
    expect((await waitForStatus(id, ['awaiting_faces', 'in_review', 'failed'])).status).toBe('awaiting_faces');
    const stranger = await signUp(api.app, 'blur_stranger');

    const listed = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['cache-control']).toBe('private, no-store');
    const faces = listed.json().faces as Array<{ trackId: number; thumbnailUrl: string; visible: boolean }>;
    expect(faces.length).toBeGreaterThanOrEqual(1);
    expect(faces.every((f) => f.visible === false)).toBe(true);
    const thumb = await api.app.inject({ method: 'GET', url: faces[0]!.thumbnailUrl, headers: { cookie: owner } });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    // Nobody else sees the faces or decides about them: not another member, not a reviewer, not anonymous.
    for (const cookie of [stranger, reviewer]) {
      expect((await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie } })).statusCode).toBe(404);
      expect((await api.app.inject({ method: 'GET', url: faces[0]!.thumbnailUrl, headers: { cookie } })).statusCode).toBe(404);
      const put = await api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie }, payload: { visible: [] } });
      expect(put.statusCode).toBe(404);
    }
    expect((await api.app.inject({ method: 'GET', url: faces[0]!.thumbnailUrl })).statusCode).toBe(401);
    // The review queue does not show a clip waiting for its owner.
    const queue = await api.app.inject({ method: 'GET', url: '/review/queue', headers: { cookie: reviewer } });
    expect(JSON.stringify(queue.json())).not.toContain(id);

    // Bad choices change nothing.
    const unknown = await api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie: owner }, payload: { visible: [99_999] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_face');
    const malformed = await api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie: owner }, payload: { visible: ['me'] } });
    expect(malformed.statusCode).toBe(400);
    const missingThumb = await api.app.inject({ method: 'GET', url: `/videos/${id}/faces/99999/thumbnail`, headers: { cookie: owner } });
    expect(missingThumb.statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: `/videos/${id}`, headers: { cookie: owner } })).json().video.status).toBe('awaiting_faces');

    // The owner keeps every face found (it is a selfie: all theirs).
    const chosen = await api.app.inject({
      method: 'PUT',
      url: `/videos/${id}/faces`,
      headers: { cookie: owner },
      payload: { visible: faces.map((f) => f.trackId) },
    });
    expect(chosen.statusCode, chosen.body).toBe(202);
    const again = await api.app.inject({ method: 'PUT', url: `/videos/${id}/faces`, headers: { cookie: owner }, payload: { visible: [] } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('faces_not_pending');
    expect((await waitForStatus(id, ['in_review', 'failed'])).status).toBe('in_review');

    // The face kept its detail in the rendition; the thumbnails, the face list and the upload are gone.
    const rendition = join(dir, 'closeup-out');
    const prefix = objectKeys.privateMediaPrefix(id);
    for (const key of await api.deps.storage.listKeys(`${prefix}hls/`)) {
      const target = join(rendition, key.slice(prefix.length));
      await mkdir(dirname(target), { recursive: true });
      await api.deps.storage.downloadToFile(key, target);
    }
    const joined = await joinRung(join(rendition, 'hls'), 'v1080');
    const output = await lumaFrames(joined.path, truth.width, truth.height);
    const reference = await lumaFrames(source, truth.width, truth.height);
    const kept = truth.frames.map((frameFaces, f) => {
      const region = clip(frameFaces[0] as Rect, truth.width, truth.height) as Rect;
      return detailKept(output[f] as Buffer, reference[f] as Buffer, truth.width, region).correlation;
    });
    // an obscured face keeps under 0.3 (see above); x264 at CRF 23 alone takes some fine detail of a kept one
    expect(Math.min(...kept)).toBeGreaterThan(0.4);
    expect(await api.deps.storage.listKeys(`${prefix}faces/`)).toEqual([]);
    expect(await api.deps.videos.listFaceTracks(id)).toEqual([]);
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeFalsy();
    expect((await api.app.inject({ method: 'GET', url: `/videos/${id}/faces`, headers: { cookie: owner } })).json().faces).toEqual([]);
  }, 300_000);
});
