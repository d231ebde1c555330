// The curated feed, members' wellbeing settings, milestones, supportive reactions, blocks and crisis help.
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';
import { CategoryName, ContentWarningName, VideoStatusName } from './videos.ts';

export const ReactionKindName = Type.Union([
  Type.Literal('proud_of_you'),
  Type.Literal('same_here'),
  Type.Literal('thank_you'),
  Type.Literal('sending_strength'),
]);

const Milestone = Type.Object({ days: Type.Integer(), label: Type.String({ examples: ['90 days'] }) });
const DateOnly = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });

export const FeedItem = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: Type.String(),
  category: CategoryName,
  milestone: Type.Union([Milestone, Type.Null()], { description: 'Set on milestone videos' }),
  contentWarnings: Type.Array(ContentWarningName, { description: 'Clients blur the clip until it is tapped' }),
  creator: Type.Object({
    handle: Type.String(),
    verifiedProfessional: Type.Boolean(),
    sober: Type.Optional(
      Type.Object(
        { days: Type.Integer(), label: Type.String() },
        { description: 'Only when the creator chose to share it; never the date itself' },
      ),
    ),
  }),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  posterUrl: Type.String(),
  masterUrl: Type.String({ description: 'HLS master playlist' }),
  publishedAt: Type.String({ format: 'date-time' }),
  myReactions: Type.Optional(
    Type.Array(ReactionKindName, { description: "The viewer's own reactions (logged-in viewers only); never counts" }),
  ),
});
export type FeedItem = Static<typeof FeedItem>;

export const CrisisResource = Type.Object({
  name: Type.String(),
  description: Type.String(),
  phone: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
});

export const FeedQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ maxLength: 40, description: 'motivation | education | milestone | affirmation' })),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque; nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);
export type FeedQuery = Static<typeof FeedQuery>;

export const FeedResponse = Type.Object({
  items: Type.Array(FeedItem),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null at the end of the feed' }),
  caughtUp: Type.Boolean({ description: 'true at the end of the feed or once the daily limit is reached: no infinite scroll' }),
  reason: Type.Optional(Type.Union([Type.Literal('end_of_feed'), Type.Literal('daily_limit')])),
  message: Type.Optional(Type.String()),
  support: Type.Optional(
    Type.Object({ message: Type.String(), helpUrl: Type.String(), crisis: Type.Array(CrisisResource) }),
  ),
  affirmation: Type.Optional(
    Type.Union([FeedItem, Type.Null()], { description: "Today's affirmation, on the first page of the main and affirmation feeds" }),
  ),
});

export const AffirmationResponse = Type.Object({ day: DateOnly, affirmation: Type.Union([FeedItem, Type.Null()]) });

export const WellbeingSettings = Type.Object({
  sobrietyDate: Type.Union([DateOnly, Type.Null()], { description: 'Private: others see at most days/milestone, never the date' }),
  shareSobrietyDate: Type.Boolean({ description: 'Show my days sober (not the date) beside my videos' }),
  dailyFeedLimit: Type.Union([Type.Integer({ minimum: 3, maximum: 500 }), Type.Null()], { description: 'Feed items per day; null: no limit' }),
  hiddenWarnings: Type.Array(ContentWarningName, { description: 'Feed items with any of these warnings are left out' }),
});
export type WellbeingSettings = Static<typeof WellbeingSettings>;

export const WellbeingSettingsResponse = Type.Object({ settings: WellbeingSettings });

export const UpdateWellbeingSettingsBody = Type.Object(
  {
    sobrietyDate: Type.Optional(Type.Union([DateOnly, Type.Null()])),
    shareSobrietyDate: Type.Optional(Type.Boolean()),
    dailyFeedLimit: Type.Optional(Type.Union([Type.Integer({ minimum: 3, maximum: 500 }), Type.Null()])),
    hiddenWarnings: Type.Optional(Type.Array(ContentWarningName, { maxItems: 7, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWellbeingSettingsBody = Static<typeof UpdateWellbeingSettingsBody>;

export const MilestonesResponse = Type.Object({
  sobrietyDate: Type.Union([DateOnly, Type.Null()]),
  daysSober: Type.Union([Type.Integer(), Type.Null()]),
  nextMilestone: Type.Union([Type.Object({ days: Type.Integer(), label: Type.String(), inDays: Type.Integer() }), Type.Null()]),
  videos: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      status: VideoStatusName,
      milestone: Milestone,
      createdAt: Type.String({ format: 'date-time' }),
      publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
});

export const ReactionParams = Type.Object({ id: Uuid, kind: ReactionKindName });

export const ReactionCountsResponse = Type.Object({
  counts: Type.Object({
    proud_of_you: Type.Integer(),
    same_here: Type.Integer(),
    thank_you: Type.Integer(),
    sending_strength: Type.Integer(),
  }),
});

export const BlockListResponse = Type.Object({
  blocks: Type.Array(Type.Object({ handle: Type.String(), blockedAt: Type.String({ format: 'date-time' }) })),
});

export const CrisisResourcesQuery = Type.Object(
  { region: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: 'ISO country code; default US' })) },
  { additionalProperties: false },
);

export const CrisisResourcesResponse = Type.Object({
  region: Type.String(),
  name: Type.String(),
  resources: Type.Array(CrisisResource),
  note: Type.Optional(Type.String({ description: 'Set when the asked region is unknown and the default is shown' })),
});
