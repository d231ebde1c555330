// Published media straight from the bucket's public/media/ prefix: the development and no-CDN path (in
// production MEDIA_BASE_URL puts a CDN in front of the same prefix). Unpublishing empties the prefix, so a
// video's files answer 404 from that moment on. Single byte ranges are supported for players and scrubbing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, MediaFileResponse, PublicMediaParams } from '@onward/contract';
import type { Readable } from 'node:stream';
import { AppError, isAppError, notFound } from '@onward/domain';
import { type GetObjectResult, objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';
import { parseRangeHeader, suffixToOffsets } from '../playback/byte-range.ts';
import { PUBLIC_CACHE_CONTROL } from '../videos/publication.ts';

const missing = () => notFound('That file');

export const publicMediaRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/media/:videoId/*',
    {
      schema: {
        tags: ['media'],
        summary: 'A file of a published video (playlists, segments, captions, poster, storyboard)',
        description:
          'Anonymous. Immutable and cacheable for a year; ETag and If-None-Match; one byte range (206, or 416 ' +
          'range_not_satisfiable). 404 not_found for anything not published.',
        params: PublicMediaParams,
        response: {
          200: MediaFileResponse('The file'),
          206: MediaFileResponse('One range of the file (Content-Range)'),
          304: { type: 'null', description: 'Not modified (If-None-Match)' },
          ...errorResponses(400, 404, 416),
        },
      },
    },
    async (request, reply) => {
      const key = objectKeys.publicMedia(request.params.videoId, request.params['*']);
      const requested = parseRangeHeader(request.headers.range);

      let range: { start: number; end?: number } | undefined;
      if (requested?.kind === 'suffix') {
        const head = await deps.storage.headObject(key);
        if (!head) throw missing();
        if (head.size === 0) throw await unsatisfiable(key);
        range = suffixToOffsets(requested.length, head.size);
      } else if (requested) {
        range = requested.end === undefined ? { start: requested.start } : { start: requested.start, end: requested.end };
      }

      let object: GetObjectResult;
      try {
        object = await deps.storage.getObject(key, range ? { range } : {});
      } catch (error) {
        if (isAppError(error) && error.code === 'object_not_found') throw missing();
        if (isAppError(error) && error.code === 'range_not_satisfiable') throw await unsatisfiable(key);
        throw error;
      }

      reply
        .header('cache-control', PUBLIC_CACHE_CONTROL)
        .header('accept-ranges', 'bytes')
        // Published files are public: any origin may embed them (the API's default policy is same-origin).
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('access-control-allow-origin', '*')
        .header('content-type', object.contentType ?? 'application/octet-stream');
      if (object.etag) reply.header('etag', object.etag);

      if (object.etag && etagMatches(request.headers['if-none-match'], object.etag)) {
        object.body.destroy();
        return reply.status(304).send(null);
      }
      reply.header('content-length', String(object.contentLength));
      // The schemas describe the body for the API document; a stream is sent as it is, never serialised.
      const body = object.body satisfies Readable as unknown as string;
      if (range && object.contentRange) {
        return reply.status(206).header('content-range', object.contentRange).send(body);
      }
      return reply.status(200).send(body);

      async function unsatisfiable(objectKey: string): Promise<AppError> {
        const head = await deps.storage.headObject(objectKey);
        if (!head) return missing();
        reply.header('content-range', `bytes */${head.size}`);
        return new AppError(416, 'range_not_satisfiable', 'The requested range is not satisfiable.');
      }
    },
  );
};

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}
