// A stable, machine-readable code beside the human-readable failure reason (e.g. duration_too_long).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table videos add column failure_code text check (failure_code is null or failure_code ~ '^[a-z_]{1,64}$')`.execute(db);
}
