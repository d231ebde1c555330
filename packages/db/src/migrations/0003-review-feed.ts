// Review claims, publication order for the curated feed, daily affirmations, reactions, and members' private
// settings (sobriety date, daily feed limit, warnings to hide).
import { type Kysely, sql } from 'kysely';

export const REACTION_KINDS = ['proud_of_you', 'same_here', 'thank_you', 'sending_strength'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      add column sobriety_date date,
      add column share_sobriety_date boolean not null default false,
      add column daily_feed_limit smallint check (daily_feed_limit is null or daily_feed_limit between 3 and 500),
      add column hidden_warnings text[] not null default '{}'`.execute(db);

  // A reviewer's claim on a clip in review; it lapses at claim_expires_at so an abandoned claim frees itself.
  await sql`
    alter table videos
      add column claimed_by uuid references users (id) on delete set null,
      add column claim_expires_at timestamptz,
      add column feed_slot bigint,
      add column original_deleted_at timestamptz`.execute(db);
  // feed_slot: the nth video published in its category. Ordering by slot (newest first) and then category
  // interleaves the categories round-robin instead of ranking by engagement.
  await sql`create index videos_feed_idx on videos (featured desc, feed_slot desc, category, id) where status = 'published'`.execute(db);
  await sql`create index videos_feed_category_idx on videos (category, featured desc, feed_slot desc, id) where status = 'published'`.execute(db);
  await sql`create index videos_review_queue_idx on videos (created_at, id) where status = 'in_review'`.execute(db);

  await sql`
    create table daily_affirmations (
      day date primary key,
      video_id uuid not null references videos (id) on delete cascade,
      chosen_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table reactions (
      video_id uuid not null references videos (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (kind in (${sql.raw(REACTION_KINDS.map((k) => `'${k}'`).join(', '))})),
      created_at timestamptz not null default now(),
      primary key (video_id, user_id, kind)
    )`.execute(db);

  await sql`alter table reports add column resolution text check (resolution is null or resolution in ('removed', 'dismissed'))`.execute(db);
  await sql`alter table review_decisions drop constraint review_decisions_decision_check`.execute(db);
  await sql`
    alter table review_decisions add constraint review_decisions_decision_check
      check (decision in ('approve', 'request_changes', 'reject', 'remove', 'unpublish', 'dismiss_report'))`.execute(db);
}
