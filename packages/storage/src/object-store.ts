// The object store every service uses: streaming put/get, presigned reads, copy and scoped deletion.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { finished, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type BucketLocationConstraint,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError } from '@onward/domain';
import { ByteMeter } from './byte-meter.ts';
import type { StorageConfig } from './config.ts';
import { assertObjectKey } from './object-keys.ts';
import { deletionTarget } from './prefix-guard.ts';
import { createS3Client } from './s3-client.ts';
import {
  isMissingObject,
  rangeNotSatisfiable,
  s3Code,
  s3Status,
  toStorageError,
  withCause,
} from './s3-errors.ts';

/** 8 MiB parts: a 1 GiB upload is 128 parts, far below S3's 10,000, and at most PART_SIZE x QUEUE_SIZE is buffered. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;
/** S3 allows at most 1000 keys per DeleteObjects and returns at most 1000 per ListObjectsV2 page. */
const BATCH = 1000;
/** SigV4 presigned URLs are valid for at most 7 days. */
const MAX_PRESIGN_TTL = 7 * 24 * 3600;

export interface PutStreamOptions {
  contentType?: string;
  cacheControl?: string;
  /** When given, the body must be exactly this long (checked while streaming). */
  contentLength?: number;
  signal?: AbortSignal;
  onProgress?: (loadedBytes: number) => void;
}

export interface GetObjectResult {
  body: Readable;
  contentLength: number;
  contentType?: string;
  contentRange?: string;
  totalSize: number;
  etag?: string;
}

export interface ObjectStore {
  readonly bucket: string;
  readonly client: S3Client;
  ensureBucket(): Promise<void>;
  ping(): Promise<void>;
  putStream(key: string, body: Readable | Buffer | string, opts?: PutStreamOptions): Promise<{ bytes: number }>;
  putFile(key: string, path: string, opts?: { contentType?: string; cacheControl?: string }): Promise<{ bytes: number }>;
  getObject(key: string, opts?: { range?: { start: number; end?: number }; signal?: AbortSignal }): Promise<GetObjectResult>;
  downloadToFile(key: string, path: string, opts?: { maxBytes?: number; signal?: AbortSignal }): Promise<{ bytes: number }>;
  /** A small object (or range) read into memory; AppError 413 'object_too_large' beyond maxBytes, without reading on. */
  getBytes(key: string, opts: { maxBytes: number; range?: { start: number; end?: number } }): Promise<Buffer>;
  headObject(key: string): Promise<{ size: number; contentType?: string } | null>;
  /** A GET URL for browsers: signed for the public endpoint when one is configured (SigV4 signs the host). */
  presignGet(
    key: string,
    opts?: { ttlSeconds?: number; responseContentType?: string; responseCacheControl?: string },
  ): Promise<string>;
  copyObject(fromKey: string, toKey: string, opts?: { cacheControl?: string; contentType?: string }): Promise<void>;
  deleteObject(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  listKeys(prefix: string): Promise<string[]>;
}

export function createObjectStore(cfg: StorageConfig): ObjectStore {
  return new S3ObjectStore(cfg, createS3Client(cfg));
}

class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  /** Signs presigned URLs only, never sends a request, so it holds no connections and needs no destroy(). */
  private readonly presignClient: S3Client;

  constructor(
    private readonly cfg: StorageConfig,
    readonly client: S3Client,
  ) {
    this.bucket = cfg.bucket;
    this.presignClient =
      cfg.publicEndpoint && cfg.publicEndpoint !== cfg.endpoint
        ? createS3Client({ ...cfg, endpoint: cfg.publicEndpoint })
        : client;
  }

  async ensureBucket(): Promise<void> {
    if (await this.bucketExists()) return;
    try {
      // Outside us-east-1, AWS wants the region spelled out; S3-compatible servers have their own ideas
      // about location constraints, so only AWS itself (no custom endpoint) gets one.
      const constraint =
        !this.cfg.endpoint && this.cfg.region !== 'us-east-1'
          ? { CreateBucketConfiguration: { LocationConstraint: this.cfg.region as BucketLocationConstraint } }
          : {};
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket, ...constraint }));
    } catch (err) {
      // Lost a race with another process, or the server reports an existing bucket as "already exists"
      // (s3rver does): fine as long as we can use it.
      const code = s3Code(err);
      if ((code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') && (await this.bucketExists())) return;
      throw err;
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw withCause(new AppError(503, 'storage_unavailable', 'Object storage is not reachable.'), err);
    }
  }

  private async bucketExists(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch (err) {
      if (s3Status(err) === 404) return false;
      throw err;
    }
  }

  async putStream(
    key: string,
    body: Readable | Buffer | string,
    opts: PutStreamOptions = {},
  ): Promise<{ bytes: number }> {
    assertObjectKey(key);
    const { signal } = opts;
    signal?.throwIfAborted();
    if (opts.contentLength !== undefined && !(Number.isSafeInteger(opts.contentLength) && opts.contentLength >= 0)) {
      throw new AppError(400, 'invalid_content_length', 'Content length must be a non-negative integer.');
    }

    if (!(body instanceof Readable)) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      // Small in-memory bodies (playlists, posters, segments read from disk) skip lib-storage: one
      // PutObject, which the SDK can safely retry because the body is a Buffer.
      if (bytes.length < PART_SIZE) return this.putBuffer(key, bytes, opts);
    }

    if (body instanceof Readable && (body.readableEnded || body.destroyed)) {
      // pipe() from a finished stream would never end the upload's body.
      throw new Error('putStream was given a stream that has already ended or been destroyed');
    }

    // Everything goes through a meter we own: it counts bytes, enforces contentLength while streaming, and
    // is what we destroy on abort, so lib-storage's reader fails and the upload unwinds in order.
    const meter = new ByteMeter({
      ...(opts.contentLength !== undefined ? { expectedBytes: opts.contentLength } : {}),
      onLimit: (kind) =>
        new AppError(400, 'content_length_mismatch', `The upload is ${kind === 'too_large' ? 'longer' : 'shorter'} than its declared length.`),
    });
    const source = body instanceof Readable ? body : Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
    const ownsSource = !(body instanceof Readable);
    // pipe() instead of pipeline(): the caller keeps ownership of its stream (an HTTP request must stay
    // intact so an error response can still be sent). finished() reports source errors and premature
    // close (a client that disconnects), which pipe() alone would leave hanging forever.
    const stopWatching = finished(source, { writable: false }, (err) => {
      if (err) meter.destroy(err);
    });
    source.pipe(meter);
    const onAbort = () => meter.destroy(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });

    const upload = new Upload({
      client: this.failFastClient(meter),
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: meter,
        ...(opts.contentType ? { ContentType: opts.contentType } : {}),
        ...(opts.cacheControl ? { CacheControl: opts.cacheControl } : {}),
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // We abort the multipart upload ourselves, after done() has settled: lib-storage's own abort path
      // can race with parts still in flight (and with its own abort() it rejects before cleaning up).
      leavePartsOnError: true,
    });
    if (opts.onProgress) {
      const report = opts.onProgress;
      upload.on('httpUploadProgress', (progress) => {
        if (progress.loaded !== undefined) report(progress.loaded);
      });
    }

    try {
      await upload.done();
      return { bytes: meter.bytes };
    } catch (err) {
      // done() only settles once every part request has finished, so no part can land after this abort.
      // Should the abort itself fail, the bucket's AbortIncompleteMultipartUpload lifecycle rule is the
      // backstop (infra should configure one on the bucket).
      if (upload.uploadId) await this.abortMultipart(key, upload.uploadId);
      if (signal?.aborted) throw abortReason(signal);
      throw toStorageError(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stopWatching();
      source.unpipe(meter);
      if (ownsSource) source.destroy();
      if (!meter.destroyed) meter.destroy();
    }
  }

  private async putBuffer(key: string, body: Buffer, opts: PutStreamOptions): Promise<{ bytes: number }> {
    if (opts.contentLength !== undefined && opts.contentLength !== body.length) {
      throw new AppError(400, 'content_length_mismatch', 'The upload does not match its declared length.');
    }
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ...(opts.contentType ? { ContentType: opts.contentType } : {}),
          ...(opts.cacheControl ? { CacheControl: opts.cacheControl } : {}),
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      throw toStorageError(err);
    }
    opts.onProgress?.(body.length);
    return { bytes: body.length };
  }

  /**
   * The client handed to lib-storage: when any UploadPart fails, the source is cut at once. Otherwise
   * lib-storage's other uploader keeps reading the whole body and uploading parts of an upload that can
   * no longer complete.
   */
  private failFastClient(meter: ByteMeter): S3Client {
    const client = this.client;
    const send = (command: Parameters<S3Client['send']>[0], ...rest: unknown[]) => {
      const sent = (client.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      if (command instanceof UploadPartCommand) {
        sent.catch((err: unknown) => meter.destroy(err instanceof Error ? err : new Error(String(err))));
      }
      return sent;
    };
    return new Proxy(client, {
      get: (target, prop) => (prop === 'send' ? send : Reflect.get(target, prop, target)),
    });
  }

  private async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch {
      // NoSuchUpload means it is already gone; any other failure is left to the lifecycle rule rather than
      // masking the error that made the upload fail.
    }
  }

  async putFile(
    key: string,
    path: string,
    opts: { contentType?: string; cacheControl?: string } = {},
  ): Promise<{ bytes: number }> {
    const { size } = await stat(path);
    if (size < PART_SIZE) return this.putBuffer(key, await readFile(path), opts);
    const file = createReadStream(path);
    try {
      return await this.putStream(key, file, { ...opts, contentLength: size });
    } finally {
      file.destroy();
    }
  }

  async getObject(
    key: string,
    opts: { range?: { start: number; end?: number }; signal?: AbortSignal } = {},
  ): Promise<GetObjectResult> {
    assertObjectKey(key);
    const range = opts.range ? rangeHeader(opts.range) : undefined;
    let res: GetObjectCommandOutput;
    try {
      res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
    } catch (err) {
      throw toStorageError(err);
    }
    if (!(res.Body instanceof Readable)) {
      throw new Error('S3 GetObject returned a body that is not a Node.js stream');
    }
    const contentLength = res.ContentLength ?? 0;
    const total = res.ContentRange ? /\/(\d+)$/.exec(res.ContentRange)?.[1] : undefined;
    return {
      body: res.Body,
      contentLength,
      totalSize: total !== undefined ? Number(total) : contentLength,
      ...(res.ContentType ? { contentType: res.ContentType } : {}),
      ...(res.ContentRange ? { contentRange: res.ContentRange } : {}),
      ...(res.ETag ? { etag: res.ETag } : {}),
    };
  }

  async getBytes(key: string, opts: { maxBytes: number; range?: { start: number; end?: number } }): Promise<Buffer> {
    const tooLarge = () =>
      new AppError(413, 'object_too_large', `The file is larger than the allowed ${opts.maxBytes} bytes.`);
    const object = await this.getObject(key, opts.range ? { range: opts.range } : {});
    if (object.contentLength > opts.maxBytes) {
      object.body.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of object.body) {
      size += (chunk as Buffer).length;
      if (size > opts.maxBytes) {
        object.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async downloadToFile(
    key: string,
    path: string,
    opts: { maxBytes?: number; signal?: AbortSignal } = {},
  ): Promise<{ bytes: number }> {
    const { maxBytes, signal } = opts;
    const tooLarge = () =>
      new AppError(413, 'object_too_large', `The file is larger than the allowed ${maxBytes ?? 0} bytes.`);
    const object = await this.getObject(key, signal ? { signal } : {});
    if (maxBytes !== undefined && object.contentLength > maxBytes) {
      object.body.destroy();
      throw tooLarge();
    }
    // The declared length is checked above; the meter also enforces the cap on the bytes actually received.
    const meter = new ByteMeter({ ...(maxBytes !== undefined ? { maxBytes } : {}), onLimit: tooLarge });
    try {
      // 0o600: originals are private to the worker that processes them.
      await pipeline(object.body, meter, createWriteStream(path, { mode: 0o600 }), signal ? { signal } : {});
      return { bytes: meter.bytes };
    } catch (err) {
      await rm(path, { force: true });
      throw toStorageError(err);
    }
  }

  async headObject(key: string): Promise<{ size: number; contentType?: string } | null> {
    assertObjectKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: res.ContentLength ?? 0, ...(res.ContentType ? { contentType: res.ContentType } : {}) };
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
  }

  async presignGet(
    key: string,
    opts: { ttlSeconds?: number; responseContentType?: string; responseCacheControl?: string } = {},
  ): Promise<string> {
    assertObjectKey(key);
    const ttl = opts.ttlSeconds ?? this.cfg.presignTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_PRESIGN_TTL) {
      throw new AppError(500, 'invalid_presign_ttl', `A presigned URL lifetime must be 1..${MAX_PRESIGN_TTL} seconds.`);
    }
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(opts.responseContentType ? { ResponseContentType: opts.responseContentType } : {}),
      ...(opts.responseCacheControl ? { ResponseCacheControl: opts.responseCacheControl } : {}),
    });
    return getSignedUrl(this.presignClient, command, { expiresIn: ttl });
  }

  async copyObject(
    fromKey: string,
    toKey: string,
    opts: { cacheControl?: string; contentType?: string } = {},
  ): Promise<void> {
    assertObjectKey(fromKey);
    assertObjectKey(toKey);
    const copySource = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    let replace = {};
    if (opts.cacheControl !== undefined || opts.contentType !== undefined) {
      // REPLACE swaps out *all* metadata, so carry over what the caller did not override.
      let source: HeadObjectCommandOutput;
      try {
        source = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fromKey }));
      } catch (err) {
        throw toStorageError(err);
      }
      const contentType = opts.contentType ?? source.ContentType;
      const cacheControl = opts.cacheControl ?? source.CacheControl;
      replace = {
        MetadataDirective: 'REPLACE' as const,
        ...(contentType ? { ContentType: contentType } : {}),
        ...(cacheControl ? { CacheControl: cacheControl } : {}),
        ...(source.Metadata ? { Metadata: source.Metadata } : {}),
      };
    }
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: copySource, ...replace }));
    } catch (err) {
      throw toStorageError(err);
    }
  }

  async deleteObject(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const target = deletionTarget(prefix);
    if (target.kind === 'key') {
      if (!(await this.headObject(target.key))) return 0;
      await this.deleteObject(target.key);
      return 1;
    }
    let deleted = 0;
    // Delete page by page: each ListObjectsV2 page (<= 1000 keys) becomes one DeleteObjects call, so memory
    // stays flat however many objects the prefix holds. The continuation token encodes the last key
    // listed, so deleting the page before asking for the next one is safe.
    for await (const keys of this.pages(target.prefix)) {
      if (keys.length > 0) deleted += await this.deleteBatch(keys);
    }
    return deleted;
  }

  private async deleteBatch(keys: string[]): Promise<number> {
    const res = await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const errors = res.Errors ?? [];
    if (errors.length > 0) {
      throw new AppError(502, 'storage_delete_failed', `${errors.length} of ${keys.length} objects could not be deleted.`, {
        firstError: errors[0]?.Code,
      });
    }
    return keys.length;
  }

  async listKeys(prefix: string): Promise<string[]> {
    const all: string[] = [];
    for await (const keys of this.pages(prefix)) all.push(...keys);
    return all;
  }

  private async *pages(prefix: string): AsyncGenerator<string[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: BATCH,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      // A server bug must never widen a deletion beyond the prefix.
      yield (page.Contents ?? []).flatMap((o) => (o.Key?.startsWith(prefix) ? [o.Key] : []));
      if (page.IsTruncated && !page.NextContinuationToken) {
        throw new Error('S3 ListObjectsV2 reported a truncated page without a continuation token');
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function rangeHeader(range: { start: number; end?: number }): string {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw rangeNotSatisfiable();
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) throw rangeNotSatisfiable();
  return `bytes=${start}-${end ?? ''}`;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}
