// Users, sessions, videos with their state machine enforced in the database, renditions,
// append-only review decisions, reports and blocks.
import { CATEGORIES, ROLES, VIDEO_STATUSES, videoTransitionPairs } from '@onward/domain';
import { type Kysely, sql } from 'kysely';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      handle text not null check (handle ~ '^[A-Za-z0-9_]{3,30}$'),
      handle_normalized text generated always as (lower(handle)) stored,
      email text check (email is null or (length(email) <= 254 and email like '%_@_%')),
      password_hash text not null,
      role text not null default 'member' check (role in (${list(ROLES)})),
      verified_professional boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_handle_normalized_key on users (handle_normalized)`.execute(db);
  await sql`create unique index users_email_key on users (lower(email)) where email is not null`.execute(db);

  await sql`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      token_hash bytea not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index sessions_user_id_idx on sessions (user_id)`.execute(db);

  await sql`
    create table video_status_transitions (
      from_status text not null,
      to_status text not null,
      primary key (from_status, to_status)
    )`.execute(db);
  for (const [from, to] of videoTransitionPairs()) {
    await sql`insert into video_status_transitions (from_status, to_status) values (${from}, ${to})`.execute(db);
  }

  await sql`
    create table videos (
      id uuid primary key,
      owner_id uuid not null references users (id) on delete cascade,
      status text not null default 'processing' check (status in (${list(VIDEO_STATUSES)})),
      title text not null check (length(title) between 1 and 120),
      description text not null default '' check (length(description) <= 2000),
      category text not null check (category in (${list(CATEGORIES)})),
      milestone_days integer check (milestone_days is null or milestone_days between 0 and 36500),
      blur_faces boolean not null default false,
      content_warnings text[] not null default '{}',
      progress smallint not null default 0 check (progress between 0 and 100),
      failure_reason text,
      review_reason text,
      duration_ms integer check (duration_ms is null or duration_ms > 0),
      width integer check (width is null or width > 0),
      height integer check (height is null or height > 0),
      featured boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      published_at timestamptz,
      check (status <> 'published' or published_at is not null)
    )`.execute(db);
  await sql`create index videos_owner_idx on videos (owner_id, created_at desc)`.execute(db);
  await sql`create index videos_status_idx on videos (status, created_at)`.execute(db);

  // New rows start in processing; any change of status must be a listed transition.
  await sql`
    create function enforce_video_status() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        if new.status <> 'processing' then
          raise exception 'a new video must start in processing, not %', new.status using errcode = 'check_violation';
        end if;
      elsif new.status is distinct from old.status then
        if not exists (select 1 from video_status_transitions t where t.from_status = old.status and t.to_status = new.status) then
          raise exception 'illegal video status transition % -> %', old.status, new.status using errcode = 'check_violation';
        end if;
      end if;
      new.updated_at := now();
      return new;
    end $$`.execute(db);
  await sql`
    create trigger videos_status_guard before insert or update on videos
    for each row execute function enforce_video_status()`.execute(db);

  await sql`
    create table renditions (
      id uuid primary key default gen_random_uuid(),
      video_id uuid not null references videos (id) on delete cascade,
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      bandwidth integer not null check (bandwidth > 0),
      codecs text not null,
      playlist text not null,
      created_at timestamptz not null default now(),
      unique (video_id, height)
    )`.execute(db);

  // Append-only audit: no foreign keys (the trail outlives a deleted video or account) and no UPDATE/DELETE.
  await sql`
    create table review_decisions (
      id bigint generated always as identity primary key,
      video_id uuid not null,
      actor_id uuid,
      decision text not null check (decision in ('approve', 'request_changes', 'reject', 'remove', 'unpublish')),
      reason text check (reason is null or length(reason) <= 2000),
      from_status text not null,
      to_status text not null,
      details jsonb not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index review_decisions_video_idx on review_decisions (video_id, id)`.execute(db);
  await sql`
    create function forbid_audit_change() returns trigger language plpgsql as $$
    begin
      raise exception 'review_decisions is append-only' using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger review_decisions_append_only before update or delete on review_decisions
    for each row execute function forbid_audit_change()`.execute(db);
  await sql`
    create trigger review_decisions_no_truncate before truncate on review_decisions
    for each statement execute function forbid_audit_change()`.execute(db);

  await sql`
    create table reports (
      id uuid primary key default gen_random_uuid(),
      video_id uuid not null references videos (id) on delete cascade,
      reporter_id uuid not null references users (id) on delete cascade,
      reason text not null check (reason in ('no_consent', 'promotes_drug_use', 'harassment', 'crisis', 'other')),
      details text check (details is null or length(details) <= 2000),
      status text not null default 'open' check (status in ('open', 'resolved', 'dismissed')),
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      resolved_by uuid references users (id) on delete set null
    )`.execute(db);
  await sql`create unique index reports_one_open_per_reporter on reports (video_id, reporter_id) where status = 'open'`.execute(db);
  await sql`create index reports_open_idx on reports (status, created_at) where status = 'open'`.execute(db);

  await sql`
    create table blocks (
      blocker_id uuid not null references users (id) on delete cascade,
      blocked_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (blocker_id, blocked_id),
      check (blocker_id <> blocked_id)
    )`.execute(db);
  await sql`create index blocks_blocked_idx on blocks (blocked_id)`.execute(db);
}
