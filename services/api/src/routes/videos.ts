// Uploading a clip (multipart, streamed straight to S3) and the owner's view of their videos.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import {
  EditVideoBody,
  errorResponses,
  OwnerVideoListResponse,
  OwnerVideoResponse,
  UploadFormDescription,
  VideoIdParams,
} from '@onward/contract';
import { AppError, badRequest, conflict, isAppError, notFound, parseVideoMetadata } from '@onward/domain';
import { CAPTIONS_MAX_BYTES, CAPTIONS_SOURCE, parseWebVtt, serialiseWebVtt } from '@onward/media';
import { objectKeys } from '@onward/storage';
import { withMediaSweptTwice } from '../accounts/delete-account.ts';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';
import { applyCaptions } from '../videos/captions.ts';
import { toOwnerVideo } from '../videos/owner-video.ts';
import {
  assertDeclaredSize,
  assertUploadQuota,
  containerSniffer,
  emptyFile,
  fileTooLarge,
  registerUploadedVideo,
} from '../videos/upload-intake.ts';

/** Room for the multipart envelope, text fields and a captions file on top of the clip itself. */
const FORM_OVERHEAD_BYTES = 64 * 1024 + CAPTIONS_MAX_BYTES;

const STREAM_BUFFER_BYTES = 1024 * 1024;

/** Reads a captions part, refusing it as soon as it passes the size limit. */
async function readCaptions(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > CAPTIONS_MAX_BYTES) {
      throw new AppError(413, 'captions_too_large', `Captions can be at most ${CAPTIONS_MAX_BYTES / 1024} KiB.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const videoRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  async function findOwnVideo(videoId: string, ownerId: string) {
    const video = await deps.videos.findVideo(videoId);
    // Someone else's video answers exactly like a missing one: ids reveal nothing.
    if (!video || video.owner_id !== ownerId) throw notFound('That video');
    return video;
  }

  app.post(
    '/videos',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Upload a clip (streamed to storage, then processed and reviewed)',
        description: UploadFormDescription,
        consumes: ['multipart/form-data'],
        response: { 201: OwnerVideoResponse, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const declared = request.headers['content-length'];
      // Refuse before reading a byte: a claimed size over the limit, or a spent daily quota.
      if (declared !== undefined) assertDeclaredSize(config, Number(declared) - FORM_OVERHEAD_BYTES);
      await assertUploadQuota(deps, config, user.id);
      if (!request.isMultipart()) {
        throw new AppError(415, 'unsupported_media_type', 'Send the clip as multipart/form-data.');
      }

      const fields: Record<string, string> = {};
      const videoId = randomUUID();
      const key = objectKeys.original(videoId);
      let stored = false;
      let captions: string | undefined;
      const parts = request.parts({
        // Larger buffers than the 16-64 KiB defaults: fewer, bigger chunks through the parser into 8 MiB S3 parts.
        highWaterMark: STREAM_BUFFER_BYTES,
        fileHwm: STREAM_BUFFER_BYTES,
        limits: { fileSize: config.limits.uploadMaxBytes, files: 2, fields: 12, fieldSize: 4096, parts: 15 },
      });
      try {
        for await (const part of parts) {
          if (part.type === 'field') {
            if (stored) throw badRequest('fields_after_file', 'Send the text fields before the file.');
            if (typeof part.value !== 'string') throw badRequest('invalid_field', `Field ${part.fieldname} must be text.`);
            fields[part.fieldname] = part.value;
            continue;
          }
          if (part.fieldname === 'captions') {
            if (captions) throw badRequest('duplicate_captions', 'Send one captions file.');
            captions = serialiseWebVtt(parseWebVtt(await readCaptions(part.file)));
            continue;
          }
          if (part.fieldname !== 'video') {
            part.file.resume();
            throw badRequest('unexpected_file', `Unexpected file field "${part.fieldname}"; the clip goes in "video".`);
          }
          const metadata = parseVideoMetadata(fields);
          const sniffer = containerSniffer(STREAM_BUFFER_BYTES);
          const [result] = await Promise.all([
            deps.storage.putStream(key, sniffer, { contentType: 'application/octet-stream' }),
            pipeline(part.file, sniffer),
          ]);
          if (part.file.truncated) throw fileTooLarge(config);
          if (result.bytes === 0) throw emptyFile();
          stored = true;
          request.log.info({ videoId, bytes: result.bytes }, 'original stored');
          if (captions) {
            await deps.storage.putStream(objectKeys.privateMedia(videoId, CAPTIONS_SOURCE), captions, { contentType: 'text/vtt' });
          }
          const row = await registerUploadedVideo(deps, { videoId, ownerId: user.id, metadata });
          return reply.status(201).send({ video: toOwnerVideo(row) });
        }
      } catch (error) {
        await deps.storage.deleteObject(key).catch(() => {});
        if (captions) await deps.storage.deletePrefix(objectKeys.privateMediaPrefix(videoId)).catch(() => {});
        if (!isAppError(error) && (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(config);
        throw error;
      }
      throw badRequest('missing_file', 'The clip is missing: send it in the "video" file field.');
    },
  );

  app.get(
    '/videos/mine',
    {
      preHandler: requireUser,
      schema: { tags: ['videos'], summary: 'My videos with status and progress', response: { 200: OwnerVideoListResponse, ...errorResponses(401) } },
    },
    async (request) => {
      const rows = await deps.videos.listVideosOfOwner(userOf(request).id);
      return { videos: rows.map(toOwnerVideo) };
    },
  );

  app.get(
    '/videos/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'One of my videos',
        params: VideoIdParams,
        response: { 200: OwnerVideoResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ video: toOwnerVideo(await findOwnVideo(request.params.id, userOf(request).id)) }),
  );

  app.patch(
    '/videos/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Edit title, description, category or warnings before publication',
        params: VideoIdParams,
        body: EditVideoBody,
        response: { 200: OwnerVideoResponse, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const me = userOf(request);
      await findOwnVideo(request.params.id, me.id);
      const { title, description, category, contentWarnings } = request.body;
      // The schema counts characters; a title of spaces only is empty once trimmed, as at upload.
      if (title !== undefined && title.trim().length === 0) throw badRequest('invalid_title', 'A title is 1 to 120 characters.');
      const updated = await deps.videos.updateEditableMetadata(request.params.id, me.id, {
        ...(title !== undefined ? { title: title.trim() } : {}),
        ...(description !== undefined ? { description: description.trim() } : {}),
        ...(category !== undefined ? { category } : {}),
        ...(contentWarnings !== undefined ? { content_warnings: contentWarnings } : {}),
      });
      if (!updated) throw conflict('not_editable', 'This video can no longer be edited.');
      return { video: toOwnerVideo(updated) };
    },
  );

  app.delete(
    '/videos/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Delete my video and every file of it',
        params: VideoIdParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const video = await findOwnVideo(request.params.id, userOf(request).id);
      await withMediaSweptTwice(deps, [video.id], () => deps.videos.deleteVideo(video.id));
      return reply.status(204).send(null);
    },
  );

  app.addContentTypeParser('text/vtt', { parseAs: 'buffer', bodyLimit: CAPTIONS_MAX_BYTES }, (_request, body, done) =>
    done(null, body),
  );

  app.put(
    '/videos/:id/captions',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Add or replace the captions of my video (WebVTT, text/vtt, at most 256 KiB)',
        consumes: ['text/vtt'],
        params: VideoIdParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const video = await findOwnVideo(request.params.id, userOf(request).id);
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(415, 'unsupported_media_type', 'Send the captions as text/vtt.');
      }
      const cues = parseWebVtt(request.body);
      if (!['processing', 'in_review', 'changes_requested'].includes(video.status)) {
        throw conflict('not_editable', 'Captions can no longer be changed for this video.');
      }
      await deps.storage.putStream(objectKeys.privateMedia(video.id, CAPTIONS_SOURCE), serialiseWebVtt(cues), { contentType: 'text/vtt' });
      // Already transcoded (or finished while we stored): publish the rendition now; otherwise the worker does.
      const current = await deps.videos.findVideo(video.id);
      if (current && current.status !== 'processing' && current.duration_ms) {
        await applyCaptions(deps.storage, video.id, cues, current.duration_ms);
      }
      return reply.status(204).send(null);
    },
  );
};
