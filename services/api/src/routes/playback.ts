// Playing a video that is not (or not only) public: the owner and reviewers get short-lived links. Playlists
// come from the API, rewritten so that every media file is a presigned storage URL; the links carry a signed,
// expiring playback token instead of the session cookie, because the player fetches them on its own.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { errorResponses, HlsPlaylistResponse, PlaybackPlaylistParams, PlaybackResponse, VideoIdParams } from '@onward/contract';
import { AppError, conflict, hasRole, notFound, type Role, type VideoStatus } from '@onward/domain';
import { type ObjectStore, objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';
import { signPlaybackToken, verifyPlaybackToken } from '../playback/playback-token.ts';
import { renderPrivatePlaylist } from '../playback/private-playlist.ts';
import { requireUser, userOf } from '../plugins/auth.ts';
import { publicMediaUrl } from '../videos/media-urls.ts';

/** Statuses whose renditions exist: processing and failed videos have nothing to play yet. */
const PLAYABLE: readonly VideoStatus[] = ['in_review', 'changes_requested', 'rejected', 'published', 'removed'];
const PRIVATE_CACHE_CONTROL = 'private, no-store';
export const HLS_CONTENT_TYPE = 'application/vnd.apple.mpegurl';
const CAPTIONS_PLAYLIST = 'hls/subs/en/index.m3u8';

function mayWatch(viewer: { id: string; role: Role }, video: { owner_id: string }): boolean {
  return video.owner_id === viewer.id || hasRole(viewer.role, 'reviewer');
}

const playbackExpired = () =>
  new AppError(403, 'playback_expired', 'This playback link has expired. Reload the page to keep watching.');

/** Which of a video's playback files exist, under private or public keys. */
async function filesPresent(storage: ObjectStore, keyOf: (file: string) => string) {
  const files = ['hls/master.m3u8', 'poster.jpg', 'storyboard.jpg', 'storyboard.json', CAPTIONS_PLAYLIST];
  const [master, poster, sprite, layout, captions] = await Promise.all(files.map(async (f) => (await storage.headObject(keyOf(f))) !== null));
  return { master: Boolean(master), poster: Boolean(poster), storyboard: Boolean(sprite && layout), captions: Boolean(captions) };
}

export const playbackRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const ttl = config.s3.presignTtlSeconds;

  app.get(
    '/videos/:id/playback',
    {
      preHandler: requireUser,
      schema: {
        tags: ['videos'],
        summary: 'Playback links of a video for its owner or a reviewer (signed and short-lived until published)',
        description:
          'Unpublished videos: masterUrl is an API playlist carrying a signed playback token, every media file in it a ' +
          'presigned storage URL; all of it stops working at expiresAt. Published videos: the public, cacheable URLs.',
        params: VideoIdParams,
        response: { 200: PlaybackResponse, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const viewer = userOf(request);
      const video = await deps.videos.findVideo(request.params.id);
      // Someone else's video answers exactly like a missing one.
      if (!video || !mayWatch(viewer, video)) throw notFound('That video');
      if (!PLAYABLE.includes(video.status)) throw conflict('not_playable', 'This video is not ready to play yet.');
      reply.header('cache-control', PRIVATE_CACHE_CONTROL);

      if (video.status === 'published') {
        const present = await filesPresent(deps.storage, (file) => objectKeys.publicMedia(video.id, file));
        if (present.master) {
          const url = (file: string) => publicMediaUrl(config, video.id, file);
          return {
            source: 'public' as const,
            masterUrl: url('hls/master.m3u8'),
            posterUrl: present.poster ? url('poster.jpg') : null,
            ...(present.storyboard ? { storyboardUrl: url('storyboard.jpg'), storyboardLayoutUrl: url('storyboard.json') } : {}),
            captions: present.captions,
            expiresAt: null,
          };
        }
        // Published but its public copy is not (or no longer) there: fall back to private playback.
      }

      const key = (file: string) => objectKeys.privateMedia(video.id, file);
      const present = await filesPresent(deps.storage, key);
      if (!present.master) throw conflict('media_missing', 'This video has no playable renditions.');
      const expiresAt = Math.floor(Date.now() / 1000) + ttl;
      const token = signPlaybackToken({ videoId: video.id, viewerId: viewer.id, expiresAt }, config.playbackSigningSecret);
      const presign = (file: string) => deps.storage.presignGet(key(file), { ttlSeconds: ttl });
      return {
        source: 'private' as const,
        masterUrl: `${config.publicBaseUrl}/api/playback/${token}/master.m3u8`,
        posterUrl: present.poster ? await presign('poster.jpg') : null,
        ...(present.storyboard
          ? { storyboardUrl: await presign('storyboard.jpg'), storyboardLayoutUrl: await presign('storyboard.json') }
          : {}),
        captions: present.captions,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
      };
    },
  );

  // The token is a credential in the path: these routes log only warnings and errors, never the URL.
  app.get(
    '/playback/:token/*',
    {
      logLevel: 'warn',
      schema: {
        tags: ['videos'],
        summary: 'An HLS playlist of an unpublished video (needs the playback token from /videos/:id/playback)',
        description:
          'Answers application/vnd.apple.mpegurl: master.m3u8, then the variant and subtitles playlists it names. Media ' +
          'files in them are presigned storage URLs. An expired token answers 403 playback_expired; any other ' +
          'invalid token, or a viewer who lost access, 404.',
        params: PlaybackPlaylistParams,
        response: { 200: HlsPlaylistResponse, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const check = verifyPlaybackToken(request.params.token, config.playbackSigningSecret, Math.floor(Date.now() / 1000));
      if (!check.ok) throw check.reason === 'expired' ? playbackExpired() : notFound('That playlist');
      // Access is checked again on every playlist: a viewer who lost access, or a video that was deleted,
      // stops playing at once rather than when the token expires.
      const [video, viewer] = await Promise.all([deps.videos.findVideo(check.videoId), deps.users.findUserById(check.viewerId)]);
      if (!video || !viewer || !PLAYABLE.includes(video.status) || !mayWatch(viewer, video)) throw notFound('That playlist');
      const body = await renderPrivatePlaylist(deps.storage, video.id, request.params['*'], ttl);
      return reply.status(200).header('content-type', HLS_CONTENT_TYPE).header('cache-control', PRIVATE_CACHE_CONTROL).send(body);
    },
  );
};
