// The review console (queue, claims, decisions, audit, daily affirmation) and members' reports.
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';
import { CategoryName, ContentWarningName, VideoStatusName } from './videos.ts';

export const REVIEW_REASON_MAX = 2000;

const Reason = Type.String({ maxLength: 10_000, description: 'Shown to the owner; 1-2000 characters' });
const Timestamp = Type.String({ format: 'date-time' });
const Cursor = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });

export const ReviewPageQuery = Type.Object(
  {
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type ReviewPageQuery = Static<typeof ReviewPageQuery>;

export const ReviewClaim = Type.Object({
  reviewerId: Uuid,
  reviewerHandle: Type.String(),
  until: Timestamp,
});
export type ReviewClaim = Static<typeof ReviewClaim>;


export const ReviewQueueItem = Type.Object({
  id: Uuid,
  title: Type.String(),
  ownerHandle: Type.String(),
  ownerVerifiedProfessional: Type.Boolean(),
  category: CategoryName,
  blurFaces: Type.Boolean({ description: 'The owner asked for faces to be blurred' }),
  disguiseVoice: Type.Boolean({ description: 'The owner asked for their voice to be disguised' }),
  contentWarnings: Type.Array(ContentWarningName),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Timestamp,
  claim: Type.Union([ReviewClaim, Type.Null()], { description: 'A live claim, or null when anyone may take it' }),
});
export type ReviewQueueItem = Static<typeof ReviewQueueItem>;


export const ReviewQueueResponse = Type.Object({
  videos: Type.Array(ReviewQueueItem),
  nextCursor: Type.Union([Cursor, Type.Null()]),
});

export const ClaimResponse = Type.Object({ claim: ReviewClaim });

export const ReviewDecisionName = Type.Union([
  Type.Literal('approve'),
  Type.Literal('request_changes'),
  Type.Literal('reject'),
  Type.Literal('remove'),
  Type.Literal('unpublish'),
  Type.Literal('dismiss_report'),
]);

export const ReviewAuditEntry = Type.Object({
  id: Type.String({ description: 'Increasing audit id' }),
  decision: ReviewDecisionName,
  actorId: Type.Union([Uuid, Type.Null()]),
  actorHandle: Type.Union([Type.String(), Type.Null()], { description: 'null once the account is deleted' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  fromStatus: VideoStatusName,
  toStatus: VideoStatusName,
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
});
export type ReviewAuditEntry = Static<typeof ReviewAuditEntry>;


export const ReviewAuditResponse = Type.Object({ decisions: Type.Array(ReviewAuditEntry) });

export const ReviewVideo = Type.Object({
  id: Uuid,
  status: VideoStatusName,
  title: Type.String(),
  description: Type.String(),
  category: CategoryName,
  milestoneDays: Type.Union([Type.Integer(), Type.Null()]),
  blurFaces: Type.Boolean({ description: 'The owner asked for faces to be blurred' }),
  disguiseVoice: Type.Boolean({ description: 'The owner asked for their voice to be disguised' }),
  contentWarnings: Type.Array(ContentWarningName),
  featured: Type.Boolean(),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  ownerId: Uuid,
  ownerHandle: Type.String(),
  ownerVerifiedProfessional: Type.Boolean(),
  reviewReason: Type.Union([Type.String(), Type.Null()]),
  claim: Type.Union([ReviewClaim, Type.Null()]),
  createdAt: Timestamp,
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  decisions: Type.Array(ReviewAuditEntry),
});
export type ReviewVideo = Static<typeof ReviewVideo>;


export const ReviewVideoResponse = Type.Object({ video: ReviewVideo });

export const ReviewDecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('request_changes'), Type.Literal('reject')]),
    reason: Type.Optional(Reason),
    category: Type.Optional(CategoryName),
    contentWarnings: Type.Optional(Type.Array(ContentWarningName, { maxItems: 7, uniqueItems: true })),
    featured: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description: 'approve may set the final category, warnings and featured flag; request_changes and reject need a reason',
  },
);
export type ReviewDecisionBody = Static<typeof ReviewDecisionBody>;

export const ReviewDecisionResponse = Type.Object({
  video: Type.Object({ id: Uuid, status: VideoStatusName }),
  decision: ReviewAuditEntry,
});

export const ReviewReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type ReviewReasonBody = Static<typeof ReviewReasonBody>;

export const ReportReasonName = Type.Union([
  Type.Literal('no_consent'),
  Type.Literal('promotes_drug_use'),
  Type.Literal('harassment'),
  Type.Literal('crisis'),
  Type.Literal('other'),
]);

export const ReportBody = Type.Object(
  { reason: ReportReasonName, details: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

export const ReportCreatedResponse = Type.Object({
  report: Type.Object({ id: Uuid, videoId: Uuid, reason: ReportReasonName, status: Type.Literal('open'), createdAt: Timestamp }),
});

export const OpenReport = Type.Object({
  id: Uuid,
  reason: ReportReasonName,
  details: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  video: Type.Object({
    id: Uuid,
    title: Type.String(),
    category: CategoryName,
    status: VideoStatusName,
    ownerHandle: Type.String(),
    openReports: Type.Integer({ description: 'Open reports of this video, this one included' }),
  }),
});
export type OpenReport = Static<typeof OpenReport>;


export const OpenReportsResponse = Type.Object({
  reports: Type.Array(OpenReport),
  counts: Type.Object({ open: Type.Integer(), crisis: Type.Integer() }, { description: 'All open reports, and the crisis ones among them' }),
  nextCursor: Type.Union([Cursor, Type.Null()]),
});

export const ReportIdParams = Type.Object({ id: Uuid });

export const ResolveReportBody = Type.Object(
  { action: Type.Union([Type.Literal('remove'), Type.Literal('dismiss')]), reason: Reason },
  { additionalProperties: false },
);
export type ResolveReportBody = Static<typeof ResolveReportBody>;

export const ResolveReportResponse = Type.Object({
  video: Type.Object({ id: Uuid, status: VideoStatusName }),
  resolvedReports: Type.Integer(),
  decision: ReviewAuditEntry,
});

export const AffirmationPickDayParams = Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' }) });
export const AffirmationPickBody = Type.Object({ videoId: Uuid }, { additionalProperties: false });
export const AffirmationPickResponse = Type.Object({ affirmation: Type.Object({ day: Type.String(), videoId: Uuid }) });
