// Videos as their owner sees them, and the owner's edits.
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';

export const CategoryName = Type.Union([
  Type.Literal('motivation'),
  Type.Literal('education'),
  Type.Literal('milestone'),
  Type.Literal('affirmation'),
]);
export const VideoStatusName = Type.Union([
  Type.Literal('processing'),
  Type.Literal('awaiting_faces'),
  Type.Literal('in_review'),
  Type.Literal('published'),
  Type.Literal('failed'),
  Type.Literal('rejected'),
  Type.Literal('changes_requested'),
  Type.Literal('removed'),
]);
export const ContentWarningName = Type.Union([
  Type.Literal('substance_use'),
  Type.Literal('relapse'),
  Type.Literal('grief'),
  Type.Literal('self_harm'),
  Type.Literal('violence'),
  Type.Literal('strong_language'),
  Type.Literal('medical'),
]);

export const OwnerVideo = Type.Object({
  id: Uuid,
  status: VideoStatusName,
  progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Processing progress in percent' }),
  title: Type.String(),
  description: Type.String(),
  category: CategoryName,
  milestoneDays: Type.Union([Type.Integer(), Type.Null()]),
  blurFaces: Type.Boolean(),
  disguiseVoice: Type.Boolean({ description: 'The voice is pitch- and formant-shifted (on clips with sound)' }),
  contentWarnings: Type.Array(ContentWarningName),
  failureCode: Type.Union([Type.String(), Type.Null()], { description: 'Stable code of a processing failure, e.g. duration_too_long' }),
  failureReason: Type.Union([Type.String(), Type.Null()], { description: 'Why processing failed, in plain words' }),
  reviewReason: Type.Union([Type.String(), Type.Null()], { description: "The reviewer's reason (changes requested, rejected, removed)" }),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type OwnerVideo = Static<typeof OwnerVideo>;

export const OwnerVideoResponse = Type.Object({ video: OwnerVideo });
export const OwnerVideoListResponse = Type.Object({ videos: Type.Array(OwnerVideo) });

export const VideoIdParams = Type.Object({ id: Uuid });

export const EditVideoBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    category: Type.Optional(CategoryName),
    contentWarnings: Type.Optional(Type.Array(ContentWarningName, { maxItems: 7, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EditVideoBody = Static<typeof EditVideoBody>;

export const UploadFormDescription = [
  'multipart/form-data with text fields FIRST, then the file:',
  '`title` (1-120), `description` (<=2000), `category` (motivation | education | milestone | affirmation),',
  '`milestoneDays` (optional integer), `blurFaces` (true/false), `disguiseVoice` (true/false), `contentWarnings` (comma-separated),',
  'then the `video` file part (MP4/MOV or Matroska/WebM). The file streams straight to storage.',
].join(' ');

export const FaceTrack = Type.Object({
  trackId: Type.Integer({ minimum: 1 }),
  frameCount: Type.Integer({ minimum: 1, description: 'Frames in which this face appears' }),
  visible: Type.Boolean({ description: 'Stays unblurred (only the owner can choose this, for their own face)' }),
  thumbnailUrl: Type.String({ description: 'Private to the owner; deleted once the clip is processed' }),
});
export const FaceTracksResponse = Type.Object({
  status: VideoStatusName,
  chooseBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'While the clip waits: when the choice closes by itself (every face blurred, the clip goes on to review)',
  }),
  faces: Type.Array(FaceTrack),
});
export const FaceTrackParams = Type.Object({ id: Uuid, trackId: Type.Integer({ minimum: 1, maximum: 100_000 }) });
export const ChooseFacesBody = Type.Object(
  {
    visible: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), {
      maxItems: 100,
      uniqueItems: true,
      description: 'Track ids of the faces that are yours and stay visible; an empty list blurs everyone',
    }),
  },
  { additionalProperties: false },
);
