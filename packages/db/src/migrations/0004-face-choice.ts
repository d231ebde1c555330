// Face choice (issue 5): a clip whose owner asked for blurred faces waits in awaiting_faces after detection until the
// owner says which tracked faces (if any) are their own and stay visible.
import { VIDEO_STATUSES } from '@onward/domain';
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The status list was written into a check constraint by 0001; rewrite it (a fresh database already has it).
  await sql`alter table videos drop constraint if exists videos_status_check`.execute(db);
  await sql`alter table videos add constraint videos_status_check check (status in (${sql.join(VIDEO_STATUSES.map((s) => sql.lit(s)))}))`.execute(db);
  await sql`
    insert into video_status_transitions (from_status, to_status)
    values ('processing', 'awaiting_faces'), ('awaiting_faces', 'processing')
    on conflict do nothing`.execute(db);
  await sql`alter table videos add column faces_chosen_at timestamptz`.execute(db);
  await sql`
    create table video_face_tracks (
      video_id uuid not null references videos (id) on delete cascade,
      track_id integer not null check (track_id > 0),
      frame_count integer not null check (frame_count > 0),
      visible boolean not null default false,
      primary key (video_id, track_id)
    )`.execute(db);
}
