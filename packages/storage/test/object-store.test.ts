// ObjectStore reads, presigned URLs, copy, download and bucket handling against a real s3rver over HTTP.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { AppError } from '@onward/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore, objectKeys, type StorageConfig } from '../src/index.ts';
import { verifyPresignedRequest } from '../src/sigv4-query.ts';
import { readAll, startTestStorage, type TestStorage } from './support.ts';

const ID = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
const KEY = objectKeys.privateMedia(ID, 'bytes.bin');
let t: TestStorage;
let scratch: string;

beforeAll(async () => {
  t = await startTestStorage('objects');
  scratch = await mkdtemp(join(tmpdir(), 'onward-storage-dl-'));
  await t.store.putStream(KEY, BYTES, { contentType: 'application/octet-stream' });
});
afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('bucket', () => {
  it('ensureBucket is idempotent, also when racing itself', async () => {
    await t.store.ensureBucket();
    await t.store.ensureBucket();
    const fresh = createObjectStore({
      endpoint: t.s3.endpoint,
      region: t.s3.region,
      bucket: `${t.store.bucket}-racing`,
      accessKeyId: t.s3.accessKeyId,
      secretAccessKey: t.s3.secretAccessKey,
      forcePathStyle: true,
      presignTtlSeconds: 60,
    });
    await Promise.all([fresh.ensureBucket(), fresh.ensureBucket(), fresh.ensureBucket()]);
    await fresh.ping();
  });

  it('ping answers when storage is up and raises 503 storage_unavailable when it is not', async () => {
    await t.store.ping();
    const down = createObjectStore({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      bucket: 'nowhere',
      accessKeyId: 'x',
      secretAccessKey: 'y',
      forcePathStyle: true,
      presignTtlSeconds: 60,
    });
    await expect(down.ping()).rejects.toMatchObject({ status: 503, code: 'storage_unavailable' });
  });
});

describe('getObject', () => {
  it('reads the whole object', async () => {
    const object = await t.store.getObject(KEY);
    expect(object).toMatchObject({ contentLength: 1000, totalSize: 1000, contentType: 'application/octet-stream' });
    expect(object.contentRange).toBeUndefined();
    expect(object.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await readAll(object.body)).toEqual(BYTES);
  });

  it('reads the first bytes', async () => {
    const object = await t.store.getObject(KEY, { range: { start: 0, end: 9 } });
    expect(object).toMatchObject({ contentLength: 10, totalSize: 1000, contentRange: 'bytes 0-9/1000' });
    expect(await readAll(object.body)).toEqual(BYTES.subarray(0, 10));
  });

  it('reads a middle range', async () => {
    const object = await t.store.getObject(KEY, { range: { start: 300, end: 555 } });
    expect(object).toMatchObject({ contentLength: 256, totalSize: 1000, contentRange: 'bytes 300-555/1000' });
    expect(await readAll(object.body)).toEqual(BYTES.subarray(300, 556));
  });

  it('reads an open-ended range', async () => {
    const object = await t.store.getObject(KEY, { range: { start: 990 } });
    expect(object).toMatchObject({ contentLength: 10, totalSize: 1000, contentRange: 'bytes 990-999/1000' });
    expect(await readAll(object.body)).toEqual(BYTES.subarray(990));
  });

  it('clamps a range that runs past the end', async () => {
    const object = await t.store.getObject(KEY, { range: { start: 995, end: 5000 } });
    expect(object).toMatchObject({ contentLength: 5, contentRange: 'bytes 995-999/1000' });
    await readAll(object.body);
  });

  it('answers 416 range_not_satisfiable for a range beyond the object, and for a malformed one', async () => {
    for (const range of [{ start: 1000 }, { start: 5000, end: 6000 }, { start: 10, end: 5 }, { start: -1 }, { start: 1.5 }]) {
      const error = await t.store.getObject(KEY, { range }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 416, code: 'range_not_satisfiable' });
    }
  });

  it('answers 404 object_not_found for a missing key', async () => {
    await expect(t.store.getObject(objectKeys.privateMedia(ID, 'missing.bin'))).rejects.toMatchObject({
      status: 404,
      code: 'object_not_found',
    });
    expect(await t.store.headObject(objectKeys.privateMedia(ID, 'missing.bin'))).toBeNull();
  });
});

describe('presignGet', () => {
  it('gives a URL that plain fetch can read, with response overrides', async () => {
    const url = await t.store.presignGet(KEY, { responseContentType: 'video/mp4', responseCacheControl: 'private, max-age=60' });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(BYTES);

    const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(BYTES.subarray(10, 20));
  });

  it('refuses a tampered URL', async () => {
    const url = new URL(await t.store.presignGet(KEY));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('bytes.bin', 'other.bin');
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    for (const bad of [tampered, otherKey, longer]) {
      const res = await fetch(bad);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('SignatureDoesNotMatch');
    }
  });

  it('refuses an expired URL', async () => {
    const url = await t.store.presignGet(KEY, { ttlSeconds: 1 });
    expect((await fetch(url)).status).toBe(200);
    // X-Amz-Date has one-second resolution, so a 1 s URL is dead at most 2 s after signing.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request has expired');
  });

  it('refuses an out-of-range TTL', async () => {
    await expect(t.store.presignGet(KEY, { ttlSeconds: 0 })).rejects.toMatchObject({ code: 'invalid_presign_ttl' });
    await expect(t.store.presignGet(KEY, { ttlSeconds: 604801 })).rejects.toMatchObject({ code: 'invalid_presign_ttl' });
  });
});

describe('presignGet with a public endpoint (S3_PUBLIC_ENDPOINT)', () => {
  const storeWith = (publicEndpoint: string) => {
    const cfg: StorageConfig = {
      endpoint: t.s3.endpoint,
      publicEndpoint,
      region: t.s3.region,
      bucket: t.store.bucket,
      accessKeyId: t.s3.accessKeyId,
      secretAccessKey: t.s3.secretAccessKey,
      forcePathStyle: true,
      presignTtlSeconds: 60,
    };
    return createObjectStore(cfg);
  };

  it('signs for the host browsers use, and the URL works there (but not rewritten to the internal host)', async () => {
    const internal = new URL(t.s3.endpoint);
    expect(internal.hostname).toBe('127.0.0.1');
    const store = storeWith(`http://localhost:${internal.port}`);
    try {
      const url = new URL(await store.presignGet(KEY));
      expect(url.host).toBe(`localhost:${internal.port}`);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(BYTES);

      // SigV4 signs the Host header: the same URL sent to the internal host name is refused.
      const rewritten = new URL(url);
      rewritten.host = internal.host;
      const refused = await fetch(rewritten);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('SignatureDoesNotMatch');
    } finally {
      store.client.destroy();
    }
  });

  it('keeps every server-side call on the internal endpoint', async () => {
    // The public host does not resolve here: any request sent to it would fail.
    const store = storeWith('https://media.onward.invalid');
    const key = objectKeys.privateMedia(ID, 'public-endpoint.bin');
    const copy = objectKeys.privateMedia(ID, 'public-endpoint-copy.bin');
    try {
      await store.ping();
      await store.putStream(key, 'bytes for browsers', { contentType: 'text/plain' });
      expect(await store.headObject(key)).toEqual({ size: 18, contentType: 'text/plain' });
      expect((await store.getBytes(key, { maxBytes: 100 })).toString()).toBe('bytes for browsers');
      await store.copyObject(key, copy);
      expect(await store.listKeys(objectKeys.privateMedia(ID, 'public-endpoint'))).toEqual([key, copy].sort());
      await store.deleteObject(copy);
      await store.deleteObject(key);
      expect(await store.headObject(key)).toBeNull();

      const url = new URL(await store.presignGet(KEY));
      expect(url.origin).toBe('https://media.onward.invalid');
      expect(url.pathname).toBe(`/${t.store.bucket}/${KEY}`);
      // what the emulator (or MinIO) checks when the browser's request arrives at the public host
      expect(
        verifyPresignedRequest('GET', url.pathname + url.search, { host: url.host }, (id) =>
          id === t.s3.accessKeyId ? t.s3.secretAccessKey : undefined,
        ),
      ).toEqual({ ok: true });
    } finally {
      store.client.destroy();
    }
  });

  it('changes nothing when the public endpoint is the internal one', async () => {
    const store = storeWith(t.s3.endpoint);
    try {
      const url = await store.presignGet(KEY);
      expect(new URL(url).origin).toBe(t.s3.endpoint);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      store.client.destroy();
    }
  });
});

describe('emulator access policy', () => {
  it('denies anonymous reads of private keys and allows them under public/media/', async () => {
    const base = `${t.s3.endpoint}/${t.store.bucket}`;
    expect((await fetch(`${base}/${KEY}`)).status).toBe(403);
    expect((await fetch(`${base}/${KEY}`, { method: 'DELETE' })).status).toBe(403);
    const published = objectKeys.publicMedia(ID, 'poster.jpg');
    await t.store.putStream(published, 'jpeg bytes', { contentType: 'image/jpeg' });
    const res = await fetch(`${base}/${published}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('jpeg bytes');
    expect((await fetch(`${base}/${published}`, { method: 'PUT', body: 'overwrite' })).status).toBe(403);
  });
});

describe('copyObject', () => {
  it('copies bytes and metadata', async () => {
    const to = objectKeys.privateMedia(ID, 'copy.bin');
    await t.store.copyObject(KEY, to);
    expect(await t.store.headObject(to)).toEqual({ size: 1000, contentType: 'application/octet-stream' });
    expect(await readAll((await t.store.getObject(to)).body)).toEqual(BYTES);
  });

  it('publishes with a new Cache-Control while keeping the content type', async () => {
    const from = objectKeys.privateMedia(ID, 'master.m3u8');
    await t.store.putStream(from, '#EXTM3U\n', { contentType: 'application/vnd.apple.mpegurl', cacheControl: 'no-store' });
    const to = objectKeys.publicMedia(ID, 'master.m3u8');
    await t.store.copyObject(from, to, { cacheControl: 'public, max-age=31536000, immutable' });
    const head = await t.store.client.send(new HeadObjectCommand({ Bucket: t.store.bucket, Key: to }));
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
    expect(head.ContentType).toBe('application/vnd.apple.mpegurl');
    expect(await readAll((await t.store.getObject(to)).body)).toEqual(Buffer.from('#EXTM3U\n'));
  });

  it('answers 404 object_not_found when the source is missing', async () => {
    const missing = objectKeys.privateMedia(ID, 'nope.bin');
    await expect(t.store.copyObject(missing, objectKeys.publicMedia(ID, 'nope.bin'))).rejects.toMatchObject({ status: 404, code: 'object_not_found' });
    await expect(
      t.store.copyObject(missing, objectKeys.publicMedia(ID, 'nope.bin'), { cacheControl: 'no-store' }),
    ).rejects.toMatchObject({ status: 404, code: 'object_not_found' });
  });
});

describe('getBytes', () => {
  it('reads a small object, or a range of it, into memory', async () => {
    expect(await t.store.getBytes(KEY, { maxBytes: 1000 })).toEqual(BYTES);
    expect(await t.store.getBytes(KEY, { maxBytes: 12, range: { start: 0, end: 11 } })).toEqual(BYTES.subarray(0, 12));
  });

  it('refuses an object larger than maxBytes with 413 object_too_large, and a missing key with 404', async () => {
    await expect(t.store.getBytes(KEY, { maxBytes: 999 })).rejects.toMatchObject({ status: 413, code: 'object_too_large' });
    await expect(t.store.getBytes(objectKeys.original(ID), { maxBytes: 10 })).rejects.toMatchObject({ code: 'object_not_found' });
  });
});

describe('downloadToFile', () => {
  it('streams the object to disk (owner-only permissions)', async () => {
    const path = join(scratch, 'ok.bin');
    expect(await t.store.downloadToFile(KEY, path, { maxBytes: 1000 })).toEqual({ bytes: 1000 });
    expect(await readFile(path)).toEqual(BYTES);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses an object larger than maxBytes with 413 object_too_large and leaves no file', async () => {
    const path = join(scratch, 'too-big.bin');
    await expect(t.store.downloadToFile(KEY, path, { maxBytes: 999 })).rejects.toMatchObject({ status: 413, code: 'object_too_large' });
    expect(existsSync(path)).toBe(false);
  });

  it('answers 404 for a missing key and leaves no file', async () => {
    const path = join(scratch, 'missing.bin');
    await expect(t.store.downloadToFile(objectKeys.original(ID), path)).rejects.toMatchObject({ code: 'object_not_found' });
    expect(existsSync(path)).toBe(false);
  });

  it('removes the partial file when aborted', async () => {
    const path = join(scratch, 'aborted.bin');
    const controller = new AbortController();
    controller.abort();
    await expect(t.store.downloadToFile(KEY, path, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(path)).toBe(false);
  });
});

describe('deleteObject', () => {
  it('deletes one object and tolerates a missing one', async () => {
    const key = objectKeys.privateMedia(ID, 'delete-me.txt');
    await t.store.putStream(key, 'x');
    await t.store.deleteObject(key);
    expect(await t.store.headObject(key)).toBeNull();
    await t.store.deleteObject(key);
  });
});
