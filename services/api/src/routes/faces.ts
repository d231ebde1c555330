// The owner's face choice (issue 5): when a clip to be blurred has faces, the worker stops after detection with a
// thumbnail per tracked face; the owner (and only the owner: not reviewers, not admins) sees them and may keep
// their own face(s) visible. Everything else is blurred; choosing nothing blurs everyone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import {
  ChooseFacesBody,
  errorResponses,
  FaceTrackParams,
  FaceTracksResponse,
  MediaFileResponse,
  OwnerVideoResponse,
  VideoIdParams,
} from '@onward/contract';
import { badRequest, conflict, notFound } from '@onward/domain';
import { objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';
import { requireUser, userOf } from '../plugins/auth.ts';
import { chooseFacesAndQueue, faceChoiceDeadline } from '../videos/face-choice.ts';
import { toOwnerVideo } from '../videos/owner-video.ts';

export const faceRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  async function findOwnVideo(videoId: string, ownerId: string) {
    const video = await deps.videos.findVideo(videoId);
    // Someone else's video answers exactly like a missing one, whatever their role.
    if (!video || video.owner_id !== ownerId) throw notFound('That video');
    return video;
  }

  app.get(
    '/videos/:id/faces',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'The faces found in my clip while it waits for my choice (owner only)',
        params: VideoIdParams,
        response: { 200: FaceTracksResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const video = await findOwnVideo(request.params.id, userOf(request).id);
      const tracks = video.status === 'awaiting_faces' ? await deps.videos.listFaceTracks(video.id) : [];
      reply.header('cache-control', 'private, no-store');
      return {
        status: video.status,
        chooseBy: video.status === 'awaiting_faces' ? faceChoiceDeadline(video.updated_at, config).toISOString() : null,
        faces: tracks.map((t) => ({
          trackId: t.track_id,
          frameCount: t.frame_count,
          visible: t.visible,
          thumbnailUrl: `/videos/${video.id}/faces/${t.track_id}/thumbnail`,
        })),
      };
    },
  );

  app.get(
    '/videos/:id/faces/:trackId/thumbnail',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'One face found in my clip, as a JPEG (owner only, while the choice is open)',
        params: FaceTrackParams,
        response: { 200: MediaFileResponse('The face, JPEG'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const video = await findOwnVideo(request.params.id, userOf(request).id);
      const known = video.status === 'awaiting_faces' && (await deps.videos.listFaceTracks(video.id)).some((t) => t.track_id === request.params.trackId);
      if (!known) throw notFound('That face');
      const object = await deps.storage.getObject(objectKeys.privateMedia(video.id, `faces/${request.params.trackId}.jpg`));
      return reply
        .header('content-type', 'image/jpeg')
        .header('content-length', String(object.contentLength))
        .header('cache-control', 'private, no-store')
        // The schema describes the body for the API document; the stream is sent as it is, never serialised.
        .send(object.body as unknown as string);
    },
  );

  app.put(
    '/videos/:id/faces',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Choose which faces stay visible (yours only); every other face is blurred, then the clip is processed',
        description: '400 unknown_face (an id that is not one of this clip\'s faces), 409 faces_not_pending (no choice is open).',
        params: VideoIdParams,
        body: ChooseFacesBody,
        response: { 202: OwnerVideoResponse, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      const video = await findOwnVideo(request.params.id, me.id);
      if (video.status !== 'awaiting_faces') throw conflict('faces_not_pending', 'This clip is not waiting for a choice of faces.');
      const tracks = new Set((await deps.videos.listFaceTracks(video.id)).map((t) => t.track_id));
      const unknown = request.body.visible.filter((id) => !tracks.has(id));
      if (unknown.length > 0) throw badRequest('unknown_face', `No face ${unknown.join(', ')} was found in this clip.`);
      const updated = await chooseFacesAndQueue(deps, video.id, me.id, request.body.visible, request.log);
      if (!updated) throw conflict('faces_not_pending', 'This clip is not waiting for a choice of faces.');
      request.log.info({ videoId: video.id, faces: tracks.size, visible: request.body.visible.length }, 'faces chosen');
      return reply.status(202).send({ video: toOwnerVideo(updated) });
    },
  );
};
