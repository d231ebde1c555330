// Voice disguise (issue 5): the owner may ask for their voice to be pitch- and formant-shifted.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table videos add column disguise_voice boolean not null default false`.execute(db);
}
