// Private playback (owner and reviewers, signed and short-lived) and public media serving, over real HTTP:
// the API listening on a port, the S3 emulator checking presigned signatures, ffprobe playing the result.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { captionsRenditionFiles, parseWebVtt } from '@onward/media';
import { objectKeys } from '@onward/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPlaybackToken } from '../src/playback/playback-token.ts';
import { copyMediaToPublic, removePublicMedia } from '../src/videos/publication.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

const run = promisify(execFile);
const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.vtt': 'text/vtt',
};
const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=160x288,FRAME-RATE=30.000,CODECS="avc1.640015"',
  'v288/index.m3u8',
  '',
].join('\n');
/** The files of the fixture, relative to a video's media root. */
const FILES = ['hls/master.m3u8', 'hls/v288/index.m3u8', 'hls/v288/init.mp4', 'hls/v288/seg_00000.m4s', 'hls/v288/seg_00001.m4s', 'hls/subs/en/index.m3u8', 'hls/subs/en/captions.vtt', 'poster.jpg'];

let api: TestApi;
let dir: string;
let base: string;
const logs: string[] = [];
let owner: { cookie: string; id: string };
let reviewer: { cookie: string; id: string };
let stranger: { cookie: string; id: string };

async function member(handle: string) {
  const cookie = await signUp(api.app, handle);
  const me = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie } });
  return { cookie, id: me.json().user.id as string };
}

/** An in-review video of `ownerId` with a real one-rung fMP4 ladder, captions and a poster in private storage. */
async function reviewableVideo(ownerId: string): Promise<string> {
  const id = randomUUID();
  await api.deps.videos.insertVideo({ id, owner_id: ownerId, title: '90 days today', category: 'milestone', milestone_days: 90 });
  await Promise.all(
    FILES.map((file) =>
      api.deps.storage.putFile(objectKeys.privateMedia(id, file), join(dir, file), { contentType: CONTENT_TYPES[extname(file)] ?? 'text/plain' }),
    ),
  );
  const moved = await api.deps.videos.transitionStatus(id, 'processing', 'in_review', { progress: 100, duration_ms: 4000, width: 160, height: 288 });
  expect(moved).toBe(true);
  return id;
}

/** The API URL a player would fetch, pointed at the listening test server instead of the web app's /api proxy. */
function local(url: string): string {
  const proxied = `${api.env.config.publicBaseUrl}/api`;
  expect(url.startsWith(proxied)).toBe(true);
  return `${base}${url.slice(proxied.length)}`;
}

async function playback(videoId: string, cookie?: string) {
  return api.app.inject({ method: 'GET', url: `/videos/${videoId}/playback`, headers: cookie ? { cookie } : {} });
}

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

const uriLines = (playlist: string) => playlist.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-playback-'));
  await mkdir(join(dir, 'hls/v288'), { recursive: true });
  await mkdir(join(dir, 'hls/subs/en'), { recursive: true });
  await run(
    'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x288:rate=30', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60',
      '-hls_time', '2', '-hls_segment_type', 'fmp4', '-hls_playlist_type', 'vod', '-hls_fmp4_init_filename', 'init.mp4',
      '-hls_segment_filename', 'v288/seg_%05d.m4s', 'v288/index.m3u8'],
    { cwd: join(dir, 'hls') },
  );
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x288', '-frames:v', '1', join(dir, 'poster.jpg')]);
  const captions = captionsRenditionFiles(parseWebVtt('WEBVTT\n\n00:00.500 --> 00:02.000\nNinety days.\n'), 4000, MASTER);
  for (const [file, { text }] of Object.entries(captions)) await writeFile(join(dir, 'hls', file), text);

  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  api = await startTestApi({ LOG_LEVEL: 'info', PLAYBACK_SIGNING_SECRET: 'integration-test-playback-secret' }, { logStream });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const address = api.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the API is not listening on a port');
  base = `http://127.0.0.1:${address.port}`;
  owner = await member('playback_owner');
  reviewer = await member('playback_reviewer');
  await api.deps.users.setRole(reviewer.id, 'reviewer');
  stranger = await member('playback_stranger');
}, 120_000);

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('private playback', () => {
  it('gives the owner a signed master -> variant -> segment chain that plays, and logs no token', async () => {
    const videoId = await reviewableVideo(owner.id);
    const res = await playback(videoId, owner.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const info = res.json();
    expect(info).toMatchObject({ source: 'private', captions: true });
    expect(info.storyboardUrl).toBeUndefined();
    const expiresIn = Date.parse(info.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(200_000);
    expect(expiresIn).toBeLessThanOrEqual(300_000);

    const poster = await fetch(info.posterUrl);
    expect(poster.status).toBe(200);
    expect(await bytes(poster)).toEqual(await readFile(join(dir, 'poster.jpg')));

    const masterUrl = local(info.masterUrl);
    const master = await fetch(masterUrl);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toBe('private, no-store');
    const masterText = await master.text();
    // playlists stay under the same token (relative URIs); tags survive untouched
    expect(uriLines(masterText)).toEqual(['v288/index.m3u8']);
    expect(masterText).toContain('URI="subs/en/index.m3u8"');
    expect(masterText).toContain('RESOLUTION=160x288');

    const variantUrl = new URL('v288/index.m3u8', masterUrl).href;
    const variant = await (await fetch(variantUrl)).text();
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(variant)?.[1] ?? '';
    const media = [init, ...uriLines(variant)];
    expect(media).toHaveLength(3);
    for (const [url, file] of media.map((u, i) => [u, ['init.mp4', 'seg_00000.m4s', 'seg_00001.m4s'][i]] as const)) {
      expect(url.startsWith(`${api.env.config.s3.endpoint}/${api.deps.storage.bucket}/private/media/${videoId}/hls/v288/`)).toBe(true);
      expect(url).toContain('X-Amz-Signature=');
      expect(url).toContain('X-Amz-Expires=300');
      const got = await fetch(url);
      expect(got.status, file).toBe(200);
      expect(await bytes(got)).toEqual(await readFile(join(dir, 'hls/v288', file ?? '')));
    }

    const subtitles = await (await fetch(new URL('subs/en/index.m3u8', masterUrl))).text();
    const vtt = await fetch(uriLines(subtitles)[0] ?? '');
    expect(await vtt.text()).toContain('Ninety days.');

    const { stdout } = await run('ffprobe', ['-v', 'error', '-protocol_whitelist', 'http,https,tcp,tls,file', '-show_streams', '-of', 'json', masterUrl]);
    const streams = JSON.parse(stdout).streams as Array<{ codec_type: string; width?: number; height?: number }>;
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 160, height: 288 });

    const token = new URL(masterUrl).pathname.split('/')[2] ?? '';
    expect(token.length).toBeGreaterThan(40);
    const logged = logs.join('');
    expect(logged).toContain('incoming request'); // the log is on, and yet:
    expect(logged).not.toContain(token);
    expect(logged).not.toContain('X-Amz-Signature');
  });

  it('lets a reviewer play it, and stops a reviewer who loses the role at once', async () => {
    const videoId = await reviewableVideo(owner.id);
    await api.deps.storage.putFile(objectKeys.privateMedia(videoId, 'storyboard.jpg'), join(dir, 'poster.jpg'), { contentType: 'image/jpeg' });
    await api.deps.storage.putStream(objectKeys.privateMedia(videoId, 'storyboard.json'), '{"intervalSeconds":2,"count":2}', {
      contentType: 'application/json',
    });
    const res = await playback(videoId, reviewer.cookie);
    expect(res.statusCode).toBe(200);
    const { storyboardUrl, storyboardLayoutUrl } = res.json();
    expect((await fetch(storyboardUrl)).headers.get('content-type')).toBe('image/jpeg');
    expect(await (await fetch(storyboardLayoutUrl)).json()).toEqual({ intervalSeconds: 2, count: 2 });
    const masterUrl = local(res.json().masterUrl);
    expect((await fetch(masterUrl)).status).toBe(200);

    await api.deps.users.setRole(reviewer.id, 'member');
    try {
      expect((await fetch(masterUrl)).status).toBe(404);
      expect((await playback(videoId, reviewer.cookie)).statusCode).toBe(404);
    } finally {
      await api.deps.users.setRole(reviewer.id, 'reviewer');
    }
  });

  it('answers another member exactly like a missing video, and anonymous 401', async () => {
    const videoId = await reviewableVideo(owner.id);
    const theirs = await playback(videoId, stranger.cookie);
    const missing = await playback(randomUUID(), stranger.cookie);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(missing.json());
    expect((await playback(videoId)).statusCode).toBe(401);
  });

  it('has nothing to play while processing', async () => {
    const id = randomUUID();
    await api.deps.videos.insertVideo({ id, owner_id: owner.id, title: 'not yet', category: 'motivation', milestone_days: null });
    const res = await playback(id, owner.cookie);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('not_playable');
  });

  it('gives nothing to guessed keys, tampered signatures, expired or foreign tokens and climbing paths', async () => {
    const a = await reviewableVideo(owner.id);
    const b = await reviewableVideo(stranger.id);
    const { endpoint } = api.env.config.s3;
    const bucket = api.deps.storage.bucket;

    // storage refuses unsigned reads of private keys, and any change to a signed URL
    expect((await fetch(`${endpoint}/${bucket}/private/media/${a}/hls/v288/seg_00000.m4s`)).status).toBe(403);
    expect((await fetch(`${endpoint}/${bucket}/private/media/${a}/hls/master.m3u8`)).status).toBe(403);
    const masterUrl = local((await playback(a, owner.cookie)).json().masterUrl);
    const variant = await (await fetch(new URL('v288/index.m3u8', masterUrl))).text();
    const signed = uriLines(variant)[0] ?? '';
    expect((await fetch(signed)).status).toBe(200);
    expect((await fetch(signed.replace('seg_00000.m4s', 'seg_00001.m4s'))).status).toBe(403);
    expect((await fetch(signed.replace(`/media/${a}/`, `/media/${b}/`))).status).toBe(403);
    expect((await fetch(signed.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800'))).status).toBe(403);
    const signature = /X-Amz-Signature=([0-9a-f]+)/.exec(signed)?.[1] ?? '';
    expect((await fetch(signed.replace(signature, `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`))).status).toBe(403);

    const secret = api.env.config.playbackSigningSecret;
    const now = Math.floor(Date.now() / 1000);
    const path = (token: string, file = 'master.m3u8') => `/playback/${token}/${file}`;
    const get = (url: string) => api.app.inject({ method: 'GET', url });

    // expired (genuinely signed) -> 403 playback_expired; forged or spliced -> 404
    const expired = await get(path(signPlaybackToken({ videoId: a, viewerId: owner.id, expiresAt: now - 1 }, secret)));
    expect(expired.statusCode).toBe(403);
    expect(expired.json().error.code).toBe('playback_expired');
    const forged = await get(path(signPlaybackToken({ videoId: a, viewerId: owner.id, expiresAt: now + 60 }, 'guessed-secret')));
    expect(forged.statusCode).toBe(404);
    const tokenA = new URL(masterUrl).pathname.split('/')[2] ?? '';
    const tokenB = signPlaybackToken({ videoId: b, viewerId: owner.id, expiresAt: now + 60 }, 'any');
    const spliced = await get(path(`${tokenB.split('.')[0]}.${tokenA.split('.')[1]}`));
    expect(spliced.statusCode).toBe(404);
    expect(spliced.json()).toEqual(forged.json());
    expect((await get(path('not-a-token'))).statusCode).toBe(404);

    // a genuine token for a video its viewer may not watch (the owner of A is a stranger to B)
    expect((await get(path(signPlaybackToken({ videoId: b, viewerId: owner.id, expiresAt: now + 60 }, secret)))).statusCode).toBe(404);

    // the token's path cannot leave the video's ladder, nor fetch media bytes or other files through the API
    for (const file of [
      `../../${b}/hls/master.m3u8`,
      `..%2F..%2F${b}%2Fhls%2Fmaster.m3u8`,
      '%2e%2e/%2e%2e/poster.m3u8',
      `v288/../../../../${b}/hls/master.m3u8`,
    ]) {
      const res = await get(path(tokenA, file));
      expect([400, 404], file).toContain(res.statusCode);
      expect(res.body).not.toContain('EXTM3U');
    }
    expect((await get(path(tokenA, 'v288/seg_00000.m4s'))).statusCode).toBe(404);
    expect((await get(path(tokenA, 'v288/missing.m3u8'))).statusCode).toBe(404);
    expect((await get(path(tokenA, 'v288/index.m3u8'))).statusCode).toBe(200);
  });

  it('gives the token the lifetime of S3_PRESIGN_TTL_SECONDS', async () => {
    const shortLived = await startTestApi({ S3_PRESIGN_TTL_SECONDS: '10', PLAYBACK_SIGNING_SECRET: 'x'.repeat(32) });
    try {
      const cookie = await signUp(shortLived.app, 'short_lived_owner');
      const me = (await shortLived.app.inject({ method: 'GET', url: '/me', headers: { cookie } })).json().user.id as string;
      const id = randomUUID();
      await shortLived.deps.videos.insertVideo({ id, owner_id: me, title: 'brief', category: 'milestone', milestone_days: 1 });
      await shortLived.deps.storage.putFile(objectKeys.privateMedia(id, 'hls/master.m3u8'), join(dir, 'hls/master.m3u8'));
      await shortLived.deps.videos.transitionStatus(id, 'processing', 'in_review');
      const info = (await shortLived.app.inject({ method: 'GET', url: `/videos/${id}/playback`, headers: { cookie } })).json();
      const expiresIn = Date.parse(info.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(5_000);
      expect(expiresIn).toBeLessThanOrEqual(10_000);
      const url = new URL(info.masterUrl).pathname.replace(/^\/api/, '');
      expect((await shortLived.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('signs media URLs for S3_PUBLIC_ENDPOINT, the host browsers reach storage at, and they play there', async () => {
    // The API reaches the emulator at 127.0.0.1 (as it reaches MinIO at http://minio:9000 in Compose); browsers
    // here know it as localhost.
    const internal = new URL(api.env.config.s3.endpoint ?? '');
    expect(internal.hostname).toBe('127.0.0.1');
    const publicHost = `localhost:${internal.port}`;
    const split = await startTestApi({ S3_PUBLIC_ENDPOINT: `http://${publicHost}`, PLAYBACK_SIGNING_SECRET: 'y'.repeat(32) });
    try {
      const cookie = await signUp(split.app, 'public_endpoint_owner');
      const me = (await split.app.inject({ method: 'GET', url: '/me', headers: { cookie } })).json().user.id as string;
      const id = randomUUID();
      await split.deps.videos.insertVideo({ id, owner_id: me, title: 'split horizon', category: 'milestone', milestone_days: 30 });
      await Promise.all(
        FILES.map((file) =>
          split.deps.storage.putFile(objectKeys.privateMedia(id, file), join(dir, file), { contentType: CONTENT_TYPES[extname(file)] ?? 'text/plain' }),
        ),
      );
      await split.deps.videos.transitionStatus(id, 'processing', 'in_review');
      const info = (await split.app.inject({ method: 'GET', url: `/videos/${id}/playback`, headers: { cookie } })).json();

      expect(new URL(info.posterUrl).host).toBe(publicHost);
      expect(await bytes(await fetch(info.posterUrl))).toEqual(await readFile(join(dir, 'poster.jpg')));

      const masterPath = new URL(info.masterUrl).pathname.replace(/^\/api/, '');
      const variant = await split.app.inject({ method: 'GET', url: masterPath.replace(/master\.m3u8$/, 'v288/index.m3u8') });
      expect(variant.statusCode).toBe(200);
      const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(variant.body)?.[1] ?? '';
      const media = [init, ...uriLines(variant.body)];
      expect(media).toHaveLength(3);
      for (const [url, file] of media.map((u, i) => [u, ['init.mp4', 'seg_00000.m4s', 'seg_00001.m4s'][i]] as const)) {
        expect(new URL(url).host, file).toBe(publicHost);
        const got = await fetch(url);
        expect(got.status, file).toBe(200);
        expect(await bytes(got)).toEqual(await readFile(join(dir, 'hls/v288', file ?? '')));
        // signed for the public host: the same URL does not open on the internal one
        expect((await fetch(url.replace(publicHost, internal.host))).status, file).toBe(403);
      }
    } finally {
      await split.close();
    }
  });

  it('plays from the web app origin once the bucket has the CORS rule the README asks for', async () => {
    const videoId = await reviewableVideo(owner.id);
    const masterUrl = local((await playback(videoId, owner.cookie)).json().masterUrl);
    const segment = uriLines(await (await fetch(new URL('v288/index.m3u8', masterUrl))).text())[0] ?? '';
    const origin = new URL(api.env.config.publicBaseUrl).origin;
    await api.deps.storage.client.send(
      new PutBucketCorsCommand({
        Bucket: api.deps.storage.bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['Content-Length', 'Content-Range', 'ETag'] }],
        },
      }),
    );
    const res = await fetch(segment, { headers: { origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('public media', () => {
  it('serves a published video immutably with ranges, and nothing once it is unpublished', async () => {
    const videoId = await reviewableVideo(owner.id);
    // not published: nothing public
    expect((await fetch(`${base}/media/${videoId}/hls/master.m3u8`)).status).toBe(404);

    await copyMediaToPublic(api.deps.storage, videoId);
    expect(await api.deps.videos.transitionStatus(videoId, 'in_review', 'published', { published_at: new Date() })).toBe(true);

    const master = await fetch(`${base}/media/${videoId}/hls/master.m3u8`);
    expect(master.status).toBe(200);
    expect(master.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(await master.text()).toBe(await readFile(join(dir, 'hls/master.m3u8'), 'utf8'));

    const segmentUrl = `${base}/media/${videoId}/hls/v288/seg_00001.m4s`;
    const whole = await readFile(join(dir, 'hls/v288/seg_00001.m4s'));
    const full = await fetch(segmentUrl);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-type')).toBe('video/iso.segment');
    expect(await bytes(full)).toEqual(whole);

    const head = await fetch(segmentUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(whole.length));
    expect((await bytes(head)).length).toBe(0);

    const part = await fetch(segmentUrl, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${whole.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(await bytes(part)).toEqual(whole.subarray(100, 200));

    const tail = await fetch(segmentUrl, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(await bytes(tail)).toEqual(whole.subarray(whole.length - 10));

    const beyond = await fetch(segmentUrl, { headers: { range: `bytes=${whole.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('range_not_satisfiable');

    const etag = full.headers.get('etag') ?? '';
    const cached = await fetch(segmentUrl, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);

    // the owner's playback now points at the public copy, which plays through the API's /media route
    const info = (await playback(videoId, owner.cookie)).json();
    expect(info).toMatchObject({ source: 'public', expiresAt: null, captions: true });
    expect(info.masterUrl).toBe(`${api.env.config.publicBaseUrl}/api/media/${videoId}/hls/master.m3u8`);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-protocol_whitelist', 'http,https,tcp,tls,file', '-show_streams', '-of', 'json', local(info.masterUrl)]);
    expect(JSON.parse(stdout).streams.some((s: { codec_type: string }) => s.codec_type === 'video')).toBe(true);

    await removePublicMedia(api.deps.storage, videoId);
    const gone = await fetch(`${base}/media/${videoId}/hls/master.m3u8`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(segmentUrl)).status).toBe(404);
  });

  it('refuses paths outside the video and files that were never published', async () => {
    const id = randomUUID();
    for (const file of ['..%2F..%2Fprivate%2Fmedia%2Fx', 'hls/../../x', 'a%00b']) {
      const res = await api.app.inject({ method: 'GET', url: `/media/${id}/${file}` });
      expect([400, 404], file).toContain(res.statusCode);
    }
    expect((await api.app.inject({ method: 'GET', url: '/media/not-a-uuid/poster.jpg' })).statusCode).toBe(400);
    expect((await api.app.inject({ method: 'GET', url: `/media/${id}/poster.jpg` })).statusCode).toBe(404);
  });
});
