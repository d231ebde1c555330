export { createDb, type Db, type DbOptions } from './connection.ts';
export { migrateToLatest } from './migrate.ts';
export { createSessionRepository, type SessionRepository } from './repositories/sessions.ts';
export { createUserRepository, type UserRepository } from './repositories/users.ts';
export { type ClipPage, createVideoRepository, EDITABLE_STATUSES, type VideoRepository } from './repositories/videos.ts';
export type * from './schema.ts';
export { createReviewRepository, type DecideInput, type DecisionOutcome, type QueuePosition, type ReviewRepository } from './repositories/review.ts';
export { createReportRepository, type ReportPosition, type ReportRepository, type ResolveOutcome } from './repositories/reports.ts';
export {
  affirmationChoiceSql,
  createFeedRepository,
  type FeedBranch,
  type FeedPageQuery,
  type FeedRepository,
  type FeedRow,
  type FeedViewer,
  feedItemSql,
  feedPageSql,
} from './repositories/feed.ts';
export { createSettingsRepository, type SettingsRepository, type WellbeingSettingsChanges } from './repositories/settings.ts';
export { createReactionRepository, type ReactionKind, type ReactionRepository } from './repositories/reactions.ts';
export { createBlockRepository, type BlockRepository } from './repositories/blocks.ts';
