// putStream/putFile against a real s3rver over HTTP: multipart streaming, and clean failure.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeys } from '../src/index.ts';
import { countCommands, generatedStream, startTestStorage, type TestStorage } from './support.ts';

const MiB = 1024 * 1024;
const ID = '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';
let t: TestStorage;

beforeAll(async () => {
  t = await startTestStorage('multipart');
});
afterAll(async () => {
  await t?.close();
});

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function pendingUploads(): Promise<string[]> {
  const res = await t.store.client.send(new ListMultipartUploadsCommand({ Bucket: t.store.bucket }));
  return (res.Uploads ?? []).map((u) => u.Key ?? '');
}

describe('putStream', () => {
  it('streams a 25 MiB body in parts and reads it back byte for byte', async () => {
    const size = 25 * MiB + 12_345;
    const key = objectKeys.original(ID);
    const counts = countCommands(t.store.client);
    const progress: number[] = [];

    const result = await t.store.putStream(key, generatedStream(size, { seed: 7 }), {
      contentType: 'video/mp4',
      onProgress: (loaded) => progress.push(loaded),
    });

    expect(result).toEqual({ bytes: size });
    expect(counts.get('CreateMultipartUploadCommand')).toBe(1);
    expect(counts.get('UploadPartCommand')).toBe(4); // 8 + 8 + 8 + 1.01 MiB
    expect(counts.get('CompleteMultipartUploadCommand')).toBe(1);
    expect(counts.get('PutObjectCommand')).toBeUndefined();
    expect(progress.at(-1)).toBe(size);
    expect(await t.store.headObject(key)).toEqual({ size, contentType: 'video/mp4' });

    const object = await t.store.getObject(key);
    expect(object.contentLength).toBe(size);
    expect(await sha256(object.body)).toBe(await sha256(generatedStream(size, { seed: 7 })));
    expect(await pendingUploads()).toEqual([]);
  });

  it('uploads a small Buffer or string with a single PutObject', async () => {
    const key = objectKeys.privateMedia(ID, 'small.txt');
    expect(await t.store.putStream(key, Buffer.from('héllo'), { contentType: 'text/plain', cacheControl: 'no-store' })).toEqual({ bytes: 6 });
    expect(await t.store.putStream(key, 'héllo again')).toEqual({ bytes: 12 });
    expect(await t.store.headObject(key)).toMatchObject({ size: 12 });
  });

  it('ListMultipartUploads (emulator shim) sees a pending upload until it is aborted', async () => {
    const key = objectKeys.privateMedia(ID, 'probe.bin');
    const created = await t.store.client.send(new CreateMultipartUploadCommand({ Bucket: t.store.bucket, Key: key }));
    expect(await pendingUploads()).toEqual([key]);
    await t.store.client.send(
      new AbortMultipartUploadCommand({ Bucket: t.store.bucket, Key: key, UploadId: created.UploadId }),
    );
    expect(await pendingUploads()).toEqual([]);
  });

  it('an aborted upload of a stalled stream leaves no object and no pending multipart upload', async () => {
    const key = objectKeys.privateMedia(ID, 'aborted.bin');
    const controller = new AbortController();
    // 12 MiB arrive (part 1 is uploaded), then the source goes silent, like a client that stopped sending.
    const source = generatedStream(40 * MiB, { stallAfter: 12 * MiB });
    const upload = t.store.putStream(key, source, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.destroyed).toBe(false); // the caller's stream is left to the caller
    expect(await t.store.headObject(key)).toBeNull();
    expect(await pendingUploads()).toEqual([]);
  });

  it('a source that fails mid-way leaves no object and no pending multipart upload', async () => {
    const key = objectKeys.privateMedia(ID, 'failed.bin');
    await expect(t.store.putStream(key, generatedStream(40 * MiB, { failAfter: 20 * MiB }))).rejects.toThrow(
      'source failed on purpose',
    );
    expect(await t.store.headObject(key)).toBeNull();
    expect(await pendingUploads()).toEqual([]);
  });

  it('a source that closes early (client disconnect) fails instead of hanging', async () => {
    const key = objectKeys.privateMedia(ID, 'disconnected.bin');
    const source = generatedStream(40 * MiB, { stallAfter: 10 * MiB });
    setTimeout(() => source.destroy(), 300);
    await expect(t.store.putStream(key, source)).rejects.toThrow(/premature close/i);
    expect(await t.store.headObject(key)).toBeNull();
    expect(await pendingUploads()).toEqual([]);
  });

  it('refuses a body that does not match its declared length, leaving nothing behind', async () => {
    const short = objectKeys.privateMedia(ID, 'short.bin');
    await expect(t.store.putStream(short, generatedStream(9 * MiB), { contentLength: 10 * MiB })).rejects.toMatchObject({
      status: 400,
      code: 'content_length_mismatch',
    });
    const long = objectKeys.privateMedia(ID, 'long.bin');
    await expect(t.store.putStream(long, generatedStream(3 * MiB), { contentLength: 1000 })).rejects.toMatchObject({
      code: 'content_length_mismatch',
    });
    expect(await t.store.headObject(short)).toBeNull();
    expect(await t.store.headObject(long)).toBeNull();
    expect(await pendingUploads()).toEqual([]);
    expect(await t.store.putStream(objectKeys.privateMedia(ID, 'exact.bin'), 'abc', { contentLength: 3 })).toEqual({ bytes: 3 });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(t.store.putStream(objectKeys.privateMedia(ID, 'never.bin'), 'x', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await t.store.headObject(objectKeys.privateMedia(ID, 'never.bin'))).toBeNull();
  });
});

describe('putFile', () => {
  it('uploads a file from disk with its content type', async () => {
    const path = join(t.directory, '..', `upload-${Date.now()}.json`);
    await writeFile(path, '{"a":1}');
    const key = objectKeys.publicMedia(ID, 'meta.json');
    expect(await t.store.putFile(key, path, { contentType: 'application/json', cacheControl: 'public, max-age=31536000, immutable' })).toEqual({
      bytes: 7,
    });
    expect(await t.store.headObject(key)).toEqual({ size: 7, contentType: 'application/json' });
  });
});
