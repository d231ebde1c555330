// Playing a video: the owner's and reviewers' playback links, and the public media files.
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';

export const PlaybackResponse = Type.Object({
  source: Type.Union([Type.Literal('private'), Type.Literal('public')], {
    description: 'private: short-lived signed links to an unpublished video; public: the published, cacheable copy',
  }),
  masterUrl: Type.String({ description: 'HLS master playlist for the player (hls.js or native HLS)' }),
  posterUrl: Type.Union([Type.String(), Type.Null()]),
  storyboardUrl: Type.Optional(Type.String({ description: 'Sprite of thumbnails for scrubbing' })),
  storyboardLayoutUrl: Type.Optional(
    Type.String({ description: 'JSON layout of the sprite: intervalSeconds, count, columns, rows, thumbWidth, thumbHeight' }),
  ),
  captions: Type.Boolean({ description: 'Whether the playlist carries an English subtitles rendition' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the private links stop working (ask again for new ones); null for published media',
  }),
});
export type PlaybackResponse = Static<typeof PlaybackResponse>;

export const PlaybackPlaylistParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200, description: 'The playback capability from masterUrl' }),
  '*': Type.String({ description: 'A playlist path relative to the master playlist' }),
});

export const PublicMediaParams = Type.Object({
  videoId: Uuid,
  '*': Type.String({ minLength: 1, maxLength: 512, description: 'The file, e.g. hls/master.m3u8 or poster.jpg' }),
});

/** A route's HLS playlist response, described with its media type for the API document. */
export const HlsPlaylistResponse = {
  description: 'An HLS playlist',
  content: { 'application/vnd.apple.mpegurl': { schema: Type.String() } },
};

/** A media file response (the stored content type), described for the API document. */
export const MediaFileResponse = (description: string) => ({
  description,
  content: { '*/*': { schema: Type.String({ format: 'binary' }) } },
});
