// Kysely table types: the shape of every table the migrations create.
import type { Category, Role, VideoStatus } from '@onward/domain';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export interface UsersTable {
  id: Generated<string>;
  handle: string;
  handle_normalized: ColumnType<string, never, never>;
  email: string | null;
  password_hash: string;
  role: ColumnType<Role, Role | undefined, Role>;
  verified_professional: ColumnType<boolean, boolean | undefined, boolean>;
  sobriety_date: ColumnType<string | null, string | null | undefined, string | null>;
  share_sobriety_date: ColumnType<boolean, boolean | undefined, boolean>;
  daily_feed_limit: number | null;
  hidden_warnings: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
}

export interface VideosTable {
  id: string;
  owner_id: string;
  status: ColumnType<VideoStatus, VideoStatus | undefined, VideoStatus>;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  category: Category;
  milestone_days: number | null;
  blur_faces: ColumnType<boolean, boolean | undefined, boolean>;
  disguise_voice: ColumnType<boolean, boolean | undefined, boolean>;
  content_warnings: ColumnType<string[], string[] | undefined, string[]>;
  progress: ColumnType<number, number | undefined, number>;
  failure_code: string | null;
  failure_reason: string | null;
  review_reason: string | null;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  featured: ColumnType<boolean, boolean | undefined, boolean>;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  feed_slot: string | null;
  original_deleted_at: Date | null;
  /** When the owner chose which detected faces stay visible (null: not yet, or no blur asked). */
  faces_chosen_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  published_at: Date | null;
}

export interface VideoStatusTransitionsTable {
  from_status: VideoStatus;
  to_status: VideoStatus;
}

export interface RenditionsTable {
  id: Generated<string>;
  video_id: string;
  width: number;
  height: number;
  bandwidth: number;
  codecs: string;
  playlist: string;
  created_at: CreatedAt;
}

export type ReviewDecisionKind = 'approve' | 'request_changes' | 'reject' | 'remove' | 'unpublish' | 'dismiss_report';

export interface ReviewDecisionsTable {
  id: Generated<string>;
  video_id: string;
  actor_id: string | null;
  decision: ReviewDecisionKind;
  reason: string | null;
  from_status: VideoStatus;
  to_status: VideoStatus;
  details: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  created_at: CreatedAt;
}

export type ReportReason = 'no_consent' | 'promotes_drug_use' | 'harassment' | 'crisis' | 'other';

export interface ReportsTable {
  id: Generated<string>;
  video_id: string;
  reporter_id: string;
  reason: ReportReason;
  details: string | null;
  status: ColumnType<'open' | 'resolved' | 'dismissed', 'open' | undefined, 'resolved' | 'dismissed'>;
  resolution: 'removed' | 'dismissed' | null;
  created_at: CreatedAt;
  resolved_at: Date | null;
  resolved_by: string | null;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: CreatedAt;
}

export interface DailyAffirmationsTable {
  day: string;
  video_id: string;
  chosen_by: string | null;
  created_at: CreatedAt;
}

export interface ReactionsTable {
  video_id: string;
  user_id: string;
  kind: 'proud_of_you' | 'same_here' | 'thank_you' | 'sending_strength';
  created_at: CreatedAt;
}

export interface VideoFaceTracksTable {
  video_id: string;
  track_id: number;
  frame_count: number;
  visible: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface Database {
  daily_affirmations: DailyAffirmationsTable;
  reactions: ReactionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  videos: VideosTable;
  video_face_tracks: VideoFaceTracksTable;
  video_status_transitions: VideoStatusTransitionsTable;
  renditions: RenditionsTable;
  review_decisions: ReviewDecisionsTable;
  reports: ReportsTable;
  blocks: BlocksTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Video = Selectable<VideosTable>;
export type NewVideo = Insertable<VideosTable>;
export type Rendition = Selectable<RenditionsTable>;
export type ReviewDecision = Selectable<ReviewDecisionsTable>;
