// Bad uploads are refused with a clear code, early, and leave nothing behind in S3 or the database.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { generateClip, writeEvilInputs, type EvilInputs } from '@onward/media/test/clips.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';
import { multipartBody } from './multipart-body.ts';

let api: TestApi;
let small: TestApi;
let dir: string;
let evil: EvilInputs;
let clip: Buffer;
let cookie: string;
let address: { port: number };

beforeAll(async () => {
  api = await startTestApi();
  small = await startTestApi({ UPLOAD_MAX_BYTES: String(100 * 1024), UPLOADS_PER_DAY: '2' });
  dir = await mkdtemp(join(tmpdir(), 'onward-bad-'));
  evil = await writeEvilInputs(dir);
  clip = await readFile(await generateClip({ path: join(dir, 'ok.mp4'), width: 320, height: 240, seconds: 1, fps: 30, audio: false }));
  cookie = await signUp(api.app, 'careful_uploader');
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  address = api.app.server.address() as { port: number };
}, 120_000);

afterAll(async () => {
  await small?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FIELDS = { title: 'One year', category: 'milestone' };

async function post(target: TestApi, who: string | undefined, fields: Record<string, string>, data?: Buffer, field = 'video') {
  const { payload, headers } = multipartBody(fields, data ? { field, filename: 'clip.mp4', data } : undefined);
  return target.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, ...(who ? { cookie: who } : {}) }, payload });
}

/** Nothing of any upload is stored: no original, no pending multipart upload, no video row. */
async function expectNothingStored(target: TestApi) {
  expect(await target.deps.storage.listKeys('private/')).toEqual([]);
  const pending = await target.deps.storage.client.send(new ListMultipartUploadsCommand({ Bucket: target.deps.storage.bucket }));
  expect(pending.Uploads ?? []).toEqual([]);
  expect(await target.deps.db.selectFrom('videos').select('id').execute()).toEqual([]);
}

describe('refused before anything is stored', () => {
  it.each([
    ['a zero-byte file', () => Buffer.alloc(0), 400, 'empty_file'],
    ['a text file renamed .mp4', () => readFile(evil.textAsMp4), 415, 'unsupported_container'],
    ['a PDF renamed .mp4', () => readFile(evil.pdfAsMp4), 415, 'unsupported_container'],
    ['an HLS playlist renamed .mp4', () => readFile(evil.hlsAsMp4), 415, 'unsupported_container'],
    ['an ffconcat file renamed .mp4', () => readFile(evil.concatAsMp4), 415, 'unsupported_container'],
  ])('%s', async (_what, load, status, code) => {
    const res = await post(api, cookie, FIELDS, await load());
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    await expectNothingStored(api);
  });

  it.each([
    ['no session', undefined, 401, 'unauthenticated'],
    ['a forged session', 'onward_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401, 'unauthenticated'],
  ])('an upload with %s', async (_what, who, status, code) => {
    const res = await post(api, who, FIELDS, clip);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    await expectNothingStored(api);
  });

  it.each([
    ['an unknown category', { title: 'x', category: 'gossip' }, 'invalid_category'],
    ['no title', { category: 'milestone' }, 'invalid_title'],
    ['an unknown field', { ...FIELDS, gps: '40.7,-74.0' }, 'unknown_field'],
    ['an unknown content warning', { ...FIELDS, contentWarnings: 'gore' }, 'invalid_content_warning'],
  ])('metadata with %s', async (_what, fields, code) => {
    const res = await post(api, cookie, fields, clip);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    await expectNothingStored(api);
  });

  it('captions that are not clean WebVTT, or too large', async () => {
    for (const [text, code] of [
      ['WEBVTT\n\n00:00.000 --> 00:01.000\n<script>alert(1)</script>\n', 'invalid_captions'],
      ['not captions at all', 'invalid_captions'],
      [`WEBVTT\n\n${'00:00.000 --> 00:01.000\nhi\n\n'.repeat(12_000)}`, 'captions_too_large'],
    ] as const) {
      const { payload, headers } = multipartBody(FIELDS, [
        { field: 'captions', filename: 'c.vtt', data: Buffer.from(text), contentType: 'text/vtt' },
        { filename: 'clip.mp4', data: clip },
      ]);
      const res = await api.app.inject({ method: 'POST', url: '/videos', headers: { ...headers, cookie }, payload });
      expect(res.json().error.code).toBe(code);
      await expectNothingStored(api);
    }
  });

  it('a form without a file, or with the file in the wrong field', async () => {
    expect((await post(api, cookie, FIELDS)).json().error.code).toBe('missing_file');
    expect((await post(api, cookie, FIELDS, clip, 'attachment')).json().error.code).toBe('unexpected_file');
    const json = await api.app.inject({ method: 'POST', url: '/videos', headers: { cookie }, payload: { title: 'x' } });
    expect(json.statusCode).toBe(415);
    await expectNothingStored(api);
  });

  it('a file over the size limit: 413, and the partial upload is aborted', async () => {
    const big = Buffer.concat([clip, Buffer.alloc(150 * 1024, 1)]);
    const res = await post(small, await signUp(small.app, 'big_file_bo'), FIELDS, big);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('file_too_large');
    await expectNothingStored(small);
  });

  it('a 4 GB claimed Content-Length with a tiny body: 413 at once, without waiting for the body', async () => {
    const started = Date.now();
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1', () => {
        socket.write(
          'POST /videos HTTP/1.1\r\nHost: localhost\r\n' +
            `Cookie: ${cookie}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 4294967296\r\n\r\n--x\r\n`,
        );
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n\r\n') && data.includes('}')) socket.destroy();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(response).toContain('file_too_large');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectNothingStored(api);
  });

  it('an upload cut off half-way stores nothing', async () => {
    const { payload, headers } = multipartBody(FIELDS, { filename: 'clip.mp4', data: Buffer.concat([clip, Buffer.alloc(2 * 1024 * 1024, 7)]) });
    await new Promise<void>((resolve) => {
      const socket = connect(address.port, '127.0.0.1', () => {
        socket.write(
          `POST /videos HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nContent-Type: ${headers['content-type']}\r\n` +
            `Content-Length: ${payload.length}\r\n\r\n`,
        );
        socket.write(payload.subarray(0, Math.floor(payload.length / 2)), () => setTimeout(() => socket.destroy(), 200));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    // the server notices the disconnect and aborts the multipart upload
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await expectNothingStored(api);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
});

describe('quotas and ownership', () => {
  it('refuses uploads over the daily quota with 429 and stores nothing more', async () => {
    const who = await signUp(small.app, 'daily_dana');
    expect((await post(small, who, FIELDS, clip)).statusCode).toBe(201);
    expect((await post(small, who, FIELDS, clip)).statusCode).toBe(201);
    const third = await post(small, who, FIELDS, clip);
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('upload_quota_exceeded');
    expect(await small.deps.storage.listKeys('private/originals/')).toHaveLength(2);
  });

  it("answers another user's video exactly like a missing one, and leaves it intact", async () => {
    const res = await post(api, cookie, { ...FIELDS, title: 'mine' }, clip);
    expect(res.statusCode).toBe(201);
    const id = res.json().video.id;
    const stranger = await signUp(api.app, 'curious_cat');
    for (const [method, payload] of [['GET', undefined], ['PATCH', { title: 'hacked' }], ['DELETE', undefined]] as const) {
      const theirs = await api.app.inject({ method, url: `/videos/${id}`, headers: { cookie: stranger }, ...(payload ? { payload } : {}) });
      const missing = await api.app.inject({ method, url: `/videos/${randomUUID()}`, headers: { cookie: stranger }, ...(payload ? { payload } : {}) });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json()).toEqual(missing.json());
    }
    const bad = await api.app.inject({ method: 'GET', url: '/videos/not-a-uuid', headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    const mine = await api.app.inject({ method: 'GET', url: `/videos/${id}`, headers: { cookie } });
    expect(mine.json().video.title).toBe('mine');
    expect(await api.deps.storage.headObject(`private/originals/${id}`)).not.toBeNull();
  });

  it('lets the owner edit before review, not after a decision, and delete every object', async () => {
    const id = (await post(api, cookie, FIELDS, clip)).json().video.id;
    const edit = await api.app.inject({
      method: 'PATCH',
      url: `/videos/${id}`,
      headers: { cookie },
      payload: { title: 'One year, edited', category: 'motivation', contentWarnings: ['grief'] },
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().video).toMatchObject({ title: 'One year, edited', category: 'motivation', contentWarnings: ['grief'] });
    const unknown = await api.app.inject({ method: 'PATCH', url: `/videos/${id}`, headers: { cookie }, payload: { status: 'published' } });
    expect(unknown.statusCode).toBe(400);
    const blank = await api.app.inject({ method: 'PATCH', url: `/videos/${id}`, headers: { cookie }, payload: { title: '   ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.code).toBe('invalid_title');
    expect((await api.deps.videos.findVideo(id))?.title).toBe('One year, edited');

    await api.deps.videos.transitionStatus(id, 'processing', 'in_review');
    await api.deps.videos.transitionStatus(id, 'in_review', 'rejected', { review_reason: 'shows a face' });
    const late = await api.app.inject({ method: 'PATCH', url: `/videos/${id}`, headers: { cookie }, payload: { title: 'too late' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('not_editable');

    await api.deps.storage.putStream(`private/media/${id}/hls/master.m3u8`, '#EXTM3U\n');
    const del = await api.app.inject({ method: 'DELETE', url: `/videos/${id}`, headers: { cookie } });
    expect(del.statusCode).toBe(204);
    expect(await api.deps.storage.listKeys(`private/media/${id}/`)).toEqual([]);
    expect(await api.deps.storage.headObject(`private/originals/${id}`)).toBeNull();
    expect(await api.deps.videos.findVideo(id)).toBeUndefined();
  });
});
