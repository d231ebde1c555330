// A clip's whole trip through the real API, the real worker (BullMQ, ffmpeg) and the S3 emulator over HTTP,
// checked the way a user would: ffprobe the produced HLS, decode it, and read S3.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { generateClip, GPS_ISO6709, writeEvilInputs } from '@onward/media/test/clips.ts';
import { decodeFully, ffprobeJson, joinRung, keyframeTimes } from '@onward/media/test/ffprobe-inspect.ts';
import { encodeWavFloat, estimateF0, synthesizeVowel } from '@onward/media/test/voice-analysis.ts';
import { createMediaWorker, createWorkerDeps } from '@onward/media-worker';
import { objectKeys } from '@onward/storage';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, signUp, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';

const execFileAsync = promisify(execFile);

let api: TestApi;
let worker: ReturnType<typeof createMediaWorker>;
let workerDeps: ReturnType<typeof createWorkerDeps>;
let dir: string;
let cookie: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-pipeline-'));
  await mkdir(join(dir, 'worker-tmp'));
  api = await startTestApi({ UPLOAD_MAX_DURATION_SECONDS: '20', MEDIA_TEMP_DIR: join(dir, 'worker-tmp') });
  workerDeps = createWorkerDeps(api.env.config);
  worker = createMediaWorker(api.env.config, workerDeps, pino({ level: 'silent' }));
  cookie = await signUp(api.app, 'pipeline_pat');
}, 120_000);

afterAll(async () => {
  await worker?.close();
  // every job cleaned its scratch folder, whether it succeeded or failed
  if (dir) expect(await readdir(join(dir, 'worker-tmp'))).toEqual([]);
  await workerDeps?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(file: string, fields: Record<string, string> = {}, captions?: string) {
  const { payload, headers } = multipartBody({ title: '30 days today', category: 'milestone', milestoneDays: '30', ...fields }, [
    ...(captions ? [{ field: 'captions', filename: 'captions.vtt', data: Buffer.from(captions), contentType: 'text/vtt' }] : []),
    { filename: 'clip.mp4', data: await readFile(file) },
  ]);
  return api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie }, payload });
}

async function waitForStatus(videoId: string, wanted: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  const seenProgress = new Set<number>();
  while (Date.now() < deadline) {
    const res = await api.app.inject({ method: 'GET', url: `/videos/${videoId}`, headers: { cookie } });
    const video = res.json().video;
    seenProgress.add(video.progress);
    if (wanted.includes(video.status)) return { video, seenProgress };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`video ${videoId} did not reach ${wanted.join('/')} in time`);
}

async function downloadPrefix(prefix: string, into: string) {
  for (const key of await api.deps.storage.listKeys(prefix)) {
    const target = join(into, key.slice(prefix.length));
    await mkdir(dirname(target), { recursive: true });
    await api.deps.storage.downloadToFile(key, target);
  }
}

describe('upload -> HLS ladder', () => {
  it('turns a portrait phone clip with a GPS tag into a clean, aligned, playable 4-rung ladder in review', async () => {
    const source = await generateClip({ path: join(dir, 'portrait.mp4'), width: 1080, height: 1920, seconds: 5, fps: 30, audio: true, gps: true });
    expect(await readFile(source, 'latin1')).toContain(GPS_ISO6709.slice(0, 8));

    const captions = 'WEBVTT\n\nNOTE mine\n\n00:00.500 --> 00:02.000\n<v Pat>Thirty days <i>today</i>.</v>\n';
    const res = await upload(source, { blurFaces: 'false', contentWarnings: 'substance_use' }, captions);
    expect(res.statusCode).toBe(201);
    const created = res.json().video;
    expect(created).toMatchObject({ status: 'processing', progress: 0, milestoneDays: 30, contentWarnings: ['substance_use'] });

    const { video } = await waitForStatus(created.id, ['in_review', 'failed']);
    expect(video.failureReason).toBeNull();
    expect(video).toMatchObject({ status: 'in_review', progress: 100, width: 1080, height: 1920 });
    expect(video.durationMs).toBeGreaterThan(4500);

    const out = join(dir, 'out');
    await downloadPrefix(objectKeys.privateMediaPrefix(created.id), out);
    const master = await readFile(join(out, 'hls/master.m3u8'), 'utf8');
    const expected = [
      ['v1080', 1080, 1920],
      ['v720', 720, 1280],
      ['v480', 480, 854],
      ['v360', 360, 640],
    ] as const;
    for (const [name, width, height] of expected) {
      expect(master).toContain(`RESOLUTION=${width}x${height}`);
      expect(master).toMatch(new RegExp(`BANDWIDTH=\\d+.*CODECS="avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"[^\\n]*\\n${name}/index.m3u8`));
      const { path, segmentStarts } = await joinRung(join(out, 'hls'), name);
      const probe = await ffprobeJson(path);
      const videoStream = probe.streams.find((s) => s.codec_type === 'video');
      expect([videoStream?.width, videoStream?.height]).toEqual([width, height]);
      expect(probe.streams.some((s) => s.codec_type === 'audio')).toBe(true);
      // Each segment starts on a keyframe and keyframes fall only there, at the same 2 s boundaries in every
      // rung (relative to the first keyframe: B-frames shift presentation times by a frame or two).
      const keyframes = await keyframeTimes(path);
      const first = keyframes[0] ?? 0;
      expect(segmentStarts).toEqual([0, 2, 4]);
      expect(keyframes.map((k) => Math.round((k - first) * 100) / 100)).toEqual(segmentStarts);
      expect(JSON.stringify(probe.format.tags ?? {})).not.toMatch(/location|40\.7128/i);
    }
    await decodeFully(join(out, 'hls/master.m3u8'));
    // captions became an HLS subtitles rendition every variant refers to
    expect(master).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs"');
    expect(master.match(/SUBTITLES="subs"/g)).toHaveLength(4);
    expect(await readFile(join(out, 'hls/subs/en/captions.vtt'), 'utf8')).toBe(
      'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<v Pat>Thirty days <i>today</i>.</v>\n',
    );
    expect(await readFile(join(out, 'hls/subs/en/index.m3u8'), 'utf8')).toContain('captions.vtt');

    // No output anywhere carries the location, in tags or raw bytes.
    for (const key of await api.deps.storage.listKeys(objectKeys.privateMediaPrefix(created.id))) {
      const bytes = await api.deps.storage.getBytes(key, { maxBytes: 64 * 1024 * 1024 });
      expect(bytes.toString('latin1'), key).not.toContain('+40.7128');
    }
    expect(await api.deps.storage.headObject(objectKeys.privateMedia(created.id, 'poster.jpg'))).not.toBeNull();
    expect(await api.deps.storage.headObject(objectKeys.privateMedia(created.id, 'storyboard.jpg'))).not.toBeNull();
    const renditions = await api.deps.videos.listRenditions(created.id);
    expect(renditions.map((r) => r.height)).toEqual([1920, 1280, 854, 640]);
    // Nothing public before review.
    expect(await api.deps.storage.listKeys(objectKeys.publicMediaPrefix(created.id))).toEqual([]);

    const mine = await api.app.inject({ method: 'GET', url: '/videos/mine', headers: { cookie } });
    expect(mine.json().videos.map((v: { id: string }) => v.id)).toContain(created.id);
  });

  it.each([
    ['a MediaRecorder WebM (VP8/Opus, no duration in the header)', 'rec.webm', { container: 'webm', codec: 'vp8', viaPipe: true }],
    ['an MP4 with VP9 and Opus (Chromium MediaRecorder "video/mp4")', 'rec-vp9.mp4', { container: 'mp4', codec: 'vp9', audioCodec: 'opus' }],
    ['a clip without audio', 'silent.mp4', { audio: false }],
  ] as const)('accepts %s', async (_what, name, spec) => {
    const source = await generateClip({
      path: join(dir, name),
      width: 360,
      height: 640,
      seconds: 3,
      fps: 30,
      audio: true,
      ...spec,
    });
    const res = await upload(source);
    expect(res.statusCode).toBe(201);
    const { video } = await waitForStatus(res.json().video.id, ['in_review', 'failed']);
    expect(video.failureReason).toBeNull();
    expect(video.status).toBe('in_review');
    expect(video.durationMs).toBeGreaterThan(2500);
  });

  it('lets the owner add captions after processing, publishing them beside the ladder', async () => {
    const source = await generateClip({ path: join(dir, 'later.mp4'), width: 320, height: 568, seconds: 2, fps: 30, audio: false });
    const id = (await upload(source)).json().video.id;
    await waitForStatus(id, ['in_review']);
    const masterKey = objectKeys.privateMedia(id, 'hls/master.m3u8');
    const readText = async (key: string) => (await api.deps.storage.getBytes(key, { maxBytes: 1024 * 1024 })).toString('utf8');
    expect(await readText(masterKey)).not.toContain('SUBTITLES');
    const bad = await api.app.inject({
      method: 'PUT',
      url: `/videos/${id}/captions`,
      headers: { cookie, 'content-type': 'text/vtt' },
      payload: 'WEBVTT\n\n00:00.000 --> 00:01.000\n<img src=x onerror=alert(1)>\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_captions');
    expect(await readText(masterKey)).not.toContain('SUBTITLES');

    const ok = await api.app.inject({
      method: 'PUT',
      url: `/videos/${id}/captions`,
      headers: { cookie, 'content-type': 'text/vtt' },
      payload: 'WEBVTT\n\n00:00.000 --> 00:01.500\nHello &amp; welcome\n',
    });
    expect(ok.statusCode).toBe(204);
    expect(await readText(masterKey)).toContain('SUBTITLES="subs"');
    expect(await readText(objectKeys.privateMedia(id, 'hls/subs/en/captions.vtt'))).toContain('Hello &amp; welcome');
  });
});

describe('voice disguise', () => {
  it('shifts the voice of every rung, keeps its timing, and deletes the upload with the real voice', async () => {
    // A voiced vowel at 120 Hz over a picture: the owner asked for their voice to be disguised.
    const voice = join(dir, 'voice.wav');
    await writeFile(voice, encodeWavFloat(synthesizeVowel({ sampleRate: 48_000, seconds: 4, f0: 120, formants: [700, 1220, 2600] }), 48_000, 1));
    const source = join(dir, 'voice.mp4');
    await execFileAsync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=30:duration=4', '-i', voice],
      ...['-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '128k', '-shortest', source],
    ]);
    const res = await upload(source, { disguiseVoice: 'true' });
    expect(res.statusCode).toBe(201);
    const id = res.json().video.id as string;
    expect(res.json().video.disguiseVoice).toBe(true);
    const { video } = await waitForStatus(id, ['in_review', 'failed']);
    expect(video.status).toBe('in_review');

    const out = join(dir, 'voice-out');
    await downloadPrefix(objectKeys.privateMediaPrefix(id), out);
    for (const rung of ['v360']) {
      const joined = await joinRung(join(out, 'hls'), rung);
      const pcm = await execFileAsync('ffmpeg', ['-v', 'error', '-i', joined.path, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', 'pipe:1'], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      });
      const samples = new Float32Array(pcm.stdout.buffer, pcm.stdout.byteOffset, pcm.stdout.length / 4);
      const f0 = estimateF0(samples, 48_000);
      // the default disguise lowers the pitch by 4 semitones: 120 Hz -> 95.2 Hz
      expect(f0).not.toBeNull();
      expect((f0 as number) / 120).toBeCloseTo(2 ** (-4 / 12), 1);
      expect(samples.length / 48_000).toBeCloseTo(4, 0);
    }
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeNull();
  });

  it('is nothing to do on a clip without sound (not an error)', async () => {
    const source = await generateClip({ path: join(dir, 'silent.mp4'), width: 360, height: 640, seconds: 2, fps: 30, audio: false });
    const res = await upload(source, { disguiseVoice: 'true' });
    const { video } = await waitForStatus(res.json().video.id, ['in_review', 'failed']);
    expect(video.status).toBe('in_review');
  });

  it('refuses a malformed flag', async () => {
    const source = await generateClip({ path: join(dir, 'flag.mp4'), width: 160, height: 284, seconds: 1, fps: 30, audio: true });
    const res = await upload(source, { disguiseVoice: 'maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_field');
  });
});

describe('refused by the worker, with a code and a reason the owner sees', () => {
  it.each([
    ['a truncated MP4', 'truncatedMp4', 'corrupt_media'],
    ['an audio-only file', 'audioOnly', 'no_video_stream'],
    ['a huge-dimension video', 'hugeDimensions', 'resolution_too_large'],
  ] as const)('%s', async (_what, which, code) => {
    const evil = await writeEvilInputs(join(dir, `evil-${which}`));
    const res = await upload(evil[which]);
    expect(res.statusCode).toBe(201);
    const id = res.json().video.id;
    const { video } = await waitForStatus(id, ['failed', 'in_review']);
    expect(video).toMatchObject({ status: 'failed', failureCode: code });
    expect(video.failureReason).toMatch(/\w+ \w+/);
    // the refused original and any partial output are gone
    expect(await api.deps.storage.headObject(objectKeys.original(id))).toBeNull();
    expect(await api.deps.storage.listKeys(objectKeys.privateMediaPrefix(id))).toEqual([]);
  });

  it('a clip over the duration limit', async () => {
    const long = await generateClip({ path: join(dir, 'long.mp4'), width: 160, height: 90, seconds: 22, fps: 10, audio: false });
    const res = await upload(long);
    const { video } = await waitForStatus(res.json().video.id, ['failed', 'in_review']);
    expect(video).toMatchObject({ status: 'failed', failureCode: 'duration_too_long' });
  });

  it('an HLS playlist or ffconcat file that slipped past the upload check makes no network or file access', async () => {
    // Stored straight into S3, as if a client had defeated the API's container sniffing.
    let connections = 0;
    const listener: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const { port } = listener.address() as { port: number };
    try {
      const evil = await writeEvilInputs(join(dir, 'evil-playlists'), { httpUrl: `http://127.0.0.1:${port}/seg.ts` });
      const owner = (await api.deps.users.findUserByHandle('pipeline_pat'))!;
      for (const file of [evil.hlsAsMp4, evil.concatAsMp4]) {
        const id = crypto.randomUUID();
        await api.deps.storage.putStream(objectKeys.original(id), await readFile(file));
        await api.deps.videos.insertVideo({ id, owner_id: owner.id, title: 'sneaky', category: 'education' });
        await api.deps.mediaQueue.enqueueProcessVideo({ videoId: id });
        const { video } = await waitForStatus(id, ['failed', 'in_review']);
        expect(video.status).toBe('failed');
        expect(video.failureCode).toBe('unsupported_container');
      }
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });
});
