// Resumable uploads (tus 1.0.0) for phones on bad connections: an interrupted upload continues from the last
// byte stored instead of starting again. @tus/server speaks the protocol, @tus/s3-store keeps the bytes in an
// S3 multipart upload, and this plugin wraps both in the API's rules:
//
//  - Everything that can be refused is refused BEFORE tus sees the request, by Fastify, with the API's
//    { error: { code, message } } envelope: no session (401), bad metadata (400, the same rules and codes as
//    the multipart form), Upload-Length over the limit (413) or zero (400), deferred length (400), spent
//    daily quota (429), and someone else's (or a missing) upload (404).
//  - Ids: the public upload id is a fresh UUID that becomes the video id. Internally the tus file id is
//    objectKeys.original(uuid) = private/originals/{uuid}, because the S3 store uses the file id as the object
//    key; the finished object therefore lands exactly where the multipart path puts originals, and the
//    store's sidecars sit beside it (objectKeys.resumableUploadSidecars).
//  - Ownership is stored server-side in the tus upload metadata (`onward_owner`, written by us at creation;
//    a client cannot send it because unknown metadata keys are refused). Client file names are dropped
//    (privacy: nothing identifying is stored that the video does not need).
//  - On the last PATCH the original is checked (non-empty, a video container), the video row is inserted
//    in `processing` and `process-video` is queued (registerUploadedVideo), the `.info` sidecar is removed
//    and the response carries `Onward-Video-Id`. A refused finish deletes every object of the upload.
//  - tus' own error bodies are plain text; they are translated to the envelope (JsonErrorTusServer.write).
//
// Abandoned uploads: the owner can DELETE one (tus termination). Uploads never finished expire after
// RESUMABLE_UPLOAD_TTL_MS (HEAD/PATCH then answer 410); their objects are removed by
// cleanUpExpiredResumableUploads(config), which a cron job or the worker should run periodically (hourly is
// plenty). It aborts the expired S3 multipart uploads and deletes their `.info`/`.part` sidecars. A bucket
// lifecycle rule "abort incomplete multipart uploads after 2 days" is a good belt-and-braces in production.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { errorResponses } from '@onward/contract';
import { AppError, badRequest, isAppError, parseVideoMetadata } from '@onward/domain';
import { looksLikeAcceptedContainer } from '@onward/media';
import { objectKeys, s3ClientConfig, withDeleteObjectsContentMd5 } from '@onward/storage';
import { type MetadataValue, S3Store } from '@tus/s3-store';
import { ERRORS, type KvStore, Metadata, Server, type ServerOptions, type Upload } from '@tus/server';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';
import { createRedisLocker } from '../videos/resumable-upload-lock.ts';
import {
  assertUploadQuota,
  emptyFile,
  fileTooLarge,
  registerUploadedVideo,
  unsupportedContainer,
} from '../videos/upload-intake.ts';

export const RESUMABLE_UPLOADS_PATH = '/uploads/resumable';
/** An upload not finished within this time expires (410) and is removed by cleanUpExpiredResumableUploads. */
export const RESUMABLE_UPLOAD_TTL_MS = 24 * 3600 * 1000;
/** Preferred S3 part size (S3 needs >= 5 MiB for every part but the last). */
const PART_SIZE = 8 * 1024 * 1024;
/** Response header of the finishing PATCH: follow processing with GET /videos/{id}. */
export const VIDEO_ID_HEADER = 'Onward-Video-Id';

/** Server-side metadata key holding the uploader's user id. */
const OWNER_KEY = 'onward_owner';
/** tus clients send these by habit; they are accepted and dropped. */
const IGNORED_CLIENT_KEYS: ReadonlySet<string> = new Set(['filename', 'filetype']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0];

/** What Fastify decided about a request, handed to the tus hooks (keyed by the Node request object). */
interface TusCall {
  videoId: string;
  ownerId: string;
  /** Set for creation only: the metadata to store with the upload. */
  metadata?: Record<string, string>;
  log: FastifyBaseLogger;
}

const calls = new WeakMap<object, TusCall>();

function callOf(req: TusRequest): TusCall | undefined {
  const raw = req.runtime?.node?.req;
  return raw ? calls.get(raw) : undefined;
}

function requireCall(req: TusRequest): TusCall {
  const call = callOf(req);
  if (!call) throw new AppError(500, 'internal_error', 'Something went wrong on our side. Please try again.');
  return call;
}

const envelope = (code: string, message: string) => JSON.stringify({ error: { code, message } });

const uploadNotFound = () => new AppError(404, 'upload_not_found', 'That upload was not found.');


/** tus errors (thrown by @tus/server as these very objects) -> status, code and message of the envelope. */
const TUS_ERRORS = new Map<unknown, [number, string, string]>([
  [ERRORS.INVALID_OFFSET, [409, 'upload_offset_mismatch', 'Upload-Offset does not match the bytes stored; ask with HEAD and resume from there.']],
  [ERRORS.FILE_NOT_FOUND, [404, 'upload_not_found', 'That upload was not found.']],
  [ERRORS.FILE_NO_LONGER_EXISTS, [410, 'upload_expired', 'That upload has expired. Please start again.']],
  [ERRORS.ERR_SIZE_EXCEEDED, [413, 'upload_length_exceeded', 'The data goes past the Upload-Length declared at creation.']],
  [ERRORS.MISSING_OFFSET, [400, 'missing_upload_offset', 'Send the Upload-Offset header.']],
  [ERRORS.INVALID_CONTENT_TYPE, [400, 'invalid_content_type', 'Send the bytes as application/offset+octet-stream.']],
  [ERRORS.INVALID_LENGTH, [400, 'invalid_upload_length', 'Send Upload-Length with the size of the file in bytes.']],
  [ERRORS.INVALID_METADATA, [400, 'invalid_upload_metadata', 'Upload-Metadata must be comma-separated "key base64value" pairs.']],
  [ERRORS.ABORTED, [400, 'upload_interrupted', 'The upload was interrupted; ask with HEAD and resume.']],
  [ERRORS.ERR_LOCK_TIMEOUT, [423, 'upload_busy', 'Another request is still writing to this upload; please retry shortly.']],
  [ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION, [501, 'not_supported', 'Parallel (concatenated) uploads are not supported.']],
  [ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION, [501, 'not_supported', 'Deferred upload lengths are not supported.']],
]);

/** For responses tus writes without throwing (missing Tus-Resumable, invalid headers, unknown method). */
function envelopeForStatus(status: number, body: string): string {
  if (status === 412) return envelope('tus_version_unsupported', 'Send Tus-Resumable: 1.0.0.');
  if (status === 404) return envelope('upload_not_found', 'That upload was not found.');
  if (status >= 500) return envelope('internal_error', 'Something went wrong on our side. Please try again.');
  // tus' own 4xx texts ("Invalid upload-offset") name a header, never anything internal.
  return envelope('invalid_tus_request', body.trim().slice(0, 200) || 'The request could not be understood.');
}

/** @tus/server that answers errors in the API's JSON envelope instead of plain text. */
class JsonErrorTusServer extends Server {
  override async write(...args: Parameters<Server['write']>) {
    const [context, headers, status, body = ''] = args;
    if (status < 400) return super.write(context, headers, status, body);
    headers.set('Content-Type', 'application/json; charset=utf-8');
    const json = body.startsWith('{"error":') ? body : envelopeForStatus(status, body);
    return super.write(context, headers, status, json);
  }
}

function isMissingObject(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** The upload's state lives in S3 (its `.info`); no per-process cache, so API replicas never disagree. */
const noCache: KvStore<MetadataValue> = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
};

/** S3Store plus what the API needs: the owner of an upload, complete termination, and closing its client. */
export class ResumableUploadStore extends S3Store {
  /** The user id stored with the upload, or null when there is no such (unfinished) upload. */
  async ownerOf(fileId: string): Promise<string | null> {
    try {
      const { file } = await this.getMetadata(fileId);
      return file.metadata?.[OWNER_KEY] ?? null;
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
  }

  /** Termination: abort the multipart upload and delete the object, `.info` AND `.part` (upstream forgets it). */
  override async remove(id: string): Promise<void> {
    let uploadId: string | undefined;
    try {
      uploadId = (await this.getMetadata(id))['upload-id'];
    } catch (err) {
      if (isMissingObject(err)) throw ERRORS.FILE_NOT_FOUND;
      throw err;
    }
    if (uploadId) {
      await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId }).catch((err: unknown) => {
        if (!isMissingObject(err) && (err as { name?: string }).name !== 'NoSuchUpload') throw err;
      });
    }
    // One DeleteObject each: DeleteObjects needs Content-MD5 on some S3-compatible servers.
    for (const key of [this.infoKey(id), this.partKey(id, true), id]) {
      await this.client.deleteObject({ Bucket: this.bucket, Key: key });
    }
    await this.clearCache(id);
  }

  /** deleteExpired() uses DeleteObjects; older MinIO and Ceph insist on Content-MD5 there. */
  useContentMd5ForBulkDeletes(): void {
    withDeleteObjectsContentMd5(this.client);
  }

  close(): void {
    this.client.destroy();
  }
}

/** The tus data store on the configured bucket, with the same client settings as @onward/storage. */
export function createResumableUploadStore(config: Config): ResumableUploadStore {
  const store = new ResumableUploadStore({
    partSize: PART_SIZE,
    expirationPeriodInMilliseconds: RESUMABLE_UPLOAD_TTL_MS,
    // Tags only matter for bucket lifecycle rules keyed on them; not every S3-compatible server has tagging.
    useTags: false,
    cache: noCache,
    s3ClientConfig: { bucket: config.s3.bucket, ...s3ClientConfig(config.s3) },
  });
  store.useContentMd5ForBulkDeletes();
  return store;
}

/**
 * Removes resumable uploads that expired unfinished (older than RESUMABLE_UPLOAD_TTL_MS): aborts their S3
 * multipart uploads and deletes their `.info` and `.part` sidecars. Run it periodically (cron or the worker);
 * returns the number of sidecar objects deleted. Needs ListMultipartUploads with `Initiated` dates.
 */
export async function cleanUpExpiredResumableUploads(config: Config): Promise<number> {
  const store = createResumableUploadStore(config);
  try {
    return await store.deleteExpired();
  } finally {
    store.close();
  }
}

/** Creation headers -> validated length and the metadata to store (owner added, client file names dropped). */
function parseCreation(request: FastifyRequest, config: Config, ownerId: string) {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  if (header('upload-defer-length') !== undefined) {
    throw badRequest('deferred_length_not_allowed', 'Send Upload-Length with the size of the file; deferred lengths are not accepted.');
  }
  const length = header('upload-length');
  if (length === undefined || !/^\d{1,16}$/.test(length)) {
    throw badRequest('invalid_upload_length', 'Send Upload-Length with the size of the file in bytes.');
  }
  const bytes = Number(length);
  if (bytes > config.limits.uploadMaxBytes) throw fileTooLarge(config);
  if (bytes === 0) throw emptyFile();

  let raw: Record<string, string | null>;
  try {
    raw = Metadata.parse(header('upload-metadata') ?? '');
  } catch {
    throw badRequest('invalid_upload_metadata', 'Upload-Metadata must be comma-separated "key base64value" pairs.');
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) fields[key] = value ?? '';
  parseVideoMetadata(fields, IGNORED_CLIENT_KEYS);
  const stored: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (!IGNORED_CLIENT_KEYS.has(key)) stored[key] = value;
  stored[OWNER_KEY] = ownerId;
  return stored;
}

/** The client's video fields as stored at creation (without our own keys). */
function clientFieldsOf(upload: Upload): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(upload.metadata ?? {})) {
    if (key !== OWNER_KEY) fields[key] = value ?? '';
  }
  return fields;
}

export const resumableUploadRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const store = createResumableUploadStore(config);
  // One writer per upload across all API replicas (a retry may reach another replica than the dropped PATCH).
  const locker = createRedisLocker(deps.redis, config.redis.prefix);
  app.addHook('onClose', async () => {
    store.close();
    await locker.close();
  });

  async function deleteUploadObjects(videoId: string) {
    for (const key of [objectKeys.original(videoId), ...objectKeys.resumableUploadSidecars(videoId)]) {
      await deps.storage.deleteObject(key);
    }
  }

  async function assertStoredContainer(videoId: string) {
    const head = await deps.storage.getBytes(objectKeys.original(videoId), { range: { start: 0, end: 11 }, maxBytes: 12 });
    if (!looksLikeAcceptedContainer(head)) throw unsupportedContainer();
  }

  const tus = new JsonErrorTusServer({
    path: RESUMABLE_UPLOADS_PATH,
    datastore: store,
    locker,
    maxSize: config.limits.uploadMaxBytes,
    // Same-origin API (the web app proxies /api/*): no CORS headers at all, like every other route.
    allowedOrigins: () => false,
    exposedHeaders: [VIDEO_ID_HEADER],
    namingFunction: (req) => objectKeys.original(requireCall(req).videoId),
    // The Fastify route already resolved and authorised the id; never re-derive it from the URL.
    getFileIdFromRequest: (req) => {
      const call = callOf(req);
      return call ? objectKeys.original(call.videoId) : undefined;
    },
    // Relative to the creation URL, so it resolves right both directly (/uploads/resumable) and behind the
    // web app's /api prefix (/api/uploads/resumable -> /api/uploads/resumable/{id}).
    generateUrl: (req) => `resumable/${requireCall(req).videoId}`,
    onUploadCreate: async (req) => {
      const { metadata } = requireCall(req);
      if (!metadata) throw new AppError(500, 'internal_error', 'Upload metadata is missing.');
      return { metadata };
    },
    onUploadFinish: async (req, upload) => {
      const { videoId, ownerId, log } = requireCall(req);
      try {
        if (upload.metadata?.[OWNER_KEY] !== ownerId) throw uploadNotFound();
        if (!upload.size) throw emptyFile();
        await assertStoredContainer(videoId);
        const metadata = parseVideoMetadata(clientFieldsOf(upload), IGNORED_CLIENT_KEYS);
        // Checked at creation too; again here because several uploads may have been started in parallel.
        await assertUploadQuota(deps, config, ownerId);
        await registerUploadedVideo(deps, { videoId, ownerId, metadata });
      } catch (error) {
        await deleteUploadObjects(videoId).catch((err: unknown) => log.error({ err, videoId }, 'could not delete a refused upload'));
        throw error;
      }
      // The original stays for the worker; the upload state (with the owner and metadata) goes.
      for (const key of objectKeys.resumableUploadSidecars(videoId)) {
        await deps.storage.deleteObject(key).catch((err: unknown) => log.warn({ err, key }, 'could not delete an upload sidecar'));
      }
      log.info({ videoId, bytes: upload.size }, 'resumable upload finished');
      return { headers: { [VIDEO_ID_HEADER]: videoId } };
    },
    onResponseError: (req, err) => {
      if (isAppError(err)) return { status_code: err.status, body: envelope(err.code, err.message) };
      if (err === ERRORS.ERR_MAX_SIZE_EXCEEDED) {
        const tooLarge = fileTooLarge(config);
        return { status_code: tooLarge.status, body: envelope(tooLarge.code, tooLarge.message) };
      }
      const known = TUS_ERRORS.get(err);
      if (known) return { status_code: known[0], body: envelope(known[1], known[2]) };
      const status = (err as { status_code?: number }).status_code;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return { status_code: status, body: envelopeForStatus(status, (err as { body?: string }).body ?? '') };
      }
      (callOf(req)?.log ?? app.log).error({ err }, 'resumable upload failed');
      return { status_code: 500, body: envelope('internal_error', 'Something went wrong on our side. Please try again.') };
    },
  });

  /** Fastify has authorised the request: let tus answer it on the raw request and response. */
  async function handOver(request: FastifyRequest, reply: FastifyReply, call: TusCall) {
    calls.set(request.raw, call);
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.setHeader('cache-control', 'no-store');
    try {
      await tus.handle(request.raw, reply.raw);
    } catch (err) {
      request.log.error({ err }, 'resumable upload handler failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        reply.raw.end(envelope('internal_error', 'Something went wrong on our side. Please try again.'));
      } else {
        reply.raw.destroy();
      }
    } finally {
      calls.delete(request.raw);
    }
  }

  /** The caller's own unfinished upload, or 404 (someone else's answers exactly like a missing one). */
  async function ownUpload(request: FastifyRequest<{ Params: { uploadId: string } }>) {
    const user = userOf(request);
    const { uploadId } = request.params;
    if (!UUID.test(uploadId)) throw uploadNotFound();
    const videoId = uploadId.toLowerCase();
    if ((await store.ownerOf(objectKeys.original(videoId))) !== user.id) throw uploadNotFound();
    return { videoId, ownerId: user.id };
  }

  // PATCH bodies are the file's bytes: leave them unread for tus to stream to S3 (no body limit applies here;
  // tus enforces Upload-Length).
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

  app.post(
    RESUMABLE_UPLOADS_PATH,
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Start a resumable upload (tus 1.0.0 creation)',
        description: [
          'tus 1.0.0 creation. Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (bytes; Upload-Defer-Length is',
          'refused), `Upload-Metadata` with base64 values of the same fields as the multipart form: `title`,',
          '`description`, `category`, `milestoneDays`, `blurFaces`, `disguiseVoice`, `contentWarnings` (`filename`/`filetype` are',
          'ignored). Metadata, size and daily quota are checked here, before any byte is stored. Answers 201 with',
          '`Location: resumable/{uploadId}` (relative to this URL); send the bytes with PATCH there. The upload',
          'id becomes the video id. Unfinished uploads expire after 24 hours.',
        ].join(' '),
        response: {
          201: { type: 'null', description: 'Created: `Location` (relative), `Upload-Expires`.' },
          ...errorResponses(400, 401, 412, 413, 429),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const metadata = parseCreation(request, config, user.id);
      await assertUploadQuota(deps, config, user.id);
      await handOver(request, reply, { videoId: randomUUID(), ownerId: user.id, metadata, log: request.log });
    },
  );

  const byId = `${RESUMABLE_UPLOADS_PATH}/:uploadId`;

  app.head<{ Params: { uploadId: string } }>(
    byId,
    {
      preHandler: requireUser,
      // @fastify/swagger leaves HEAD routes out unless asked; this one is a real endpoint of its own.
      config: { swagger: { exposeHeadRoute: true } },
      schema: {
        tags: ['videos'],
        summary: 'How much of my resumable upload is stored (tus offset)',
        description:
          'Answers 200 with `Upload-Offset` (bytes stored; resume from there) and `Upload-Length`. Send ' +
          '`Tus-Resumable: 1.0.0`. 404 for an unknown, finished or someone else\'s upload; 410 once expired.',
        response: { 200: { type: 'null', description: '`Upload-Offset` and `Upload-Length`.' }, ...errorResponses(401, 404, 410) },
      },
    },
    async (request, reply) => handOver(request, reply, { ...(await ownUpload(request)), log: request.log }),
  );

  app.patch<{ Params: { uploadId: string } }>(
    byId,
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Send bytes of my resumable upload (tus PATCH)',
        description: [
          'Body: the file\'s bytes from `Upload-Offset` on, as `Content-Type: application/offset+octet-stream`,',
          'with `Tus-Resumable: 1.0.0`. Answers 204 with the new `Upload-Offset`; 409 when Upload-Offset is not',
          'what is stored (ask with HEAD). The PATCH that completes the file registers the video (status',
          '`processing`) and carries its id in `Onward-Video-Id`; follow it with GET /videos/{id}. A completed',
          'file that is empty or not a video is refused (400 empty_file, 415 unsupported_container) and deleted.',
        ].join(' '),
        response: {
          204: { type: 'null', description: 'Stored: the new `Upload-Offset`; when complete also `Onward-Video-Id`.' },
          ...errorResponses(400, 401, 404, 409, 410, 413, 415, 429),
        },
      },
    },
    async (request, reply) => handOver(request, reply, { ...(await ownUpload(request)), log: request.log }),
  );

  app.delete<{ Params: { uploadId: string } }>(
    byId,
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Abandon my resumable upload (tus termination)',
        description: 'Deletes every stored byte of an unfinished upload; answers 204. Send `Tus-Resumable: 1.0.0`.',
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => handOver(request, reply, { ...(await ownUpload(request)), log: request.log }),
  );
};
