// Members' private wellbeing settings (sobriety date, daily feed limit, warnings to hide) and their milestone videos.
import { sql } from 'kysely';
import type { Db } from '../connection.ts';

export interface WellbeingSettingsRow {
  sobriety_date: string | null;
  share_sobriety_date: boolean;
  daily_feed_limit: number | null;
  hidden_warnings: string[];
}

export interface WellbeingSettingsChanges {
  sobriety_date?: string | null;
  share_sobriety_date?: boolean;
  daily_feed_limit?: number | null;
  hidden_warnings?: string[];
}

// The date goes out as text: the pg driver would turn a date into a local-midnight Date and shift it.
const settingsColumns = [
  sql<string | null>`sobriety_date::text`.as('sobriety_date'),
  'share_sobriety_date',
  'daily_feed_limit',
  'hidden_warnings',
] as const;

export function createSettingsRepository(db: Db) {
  return {
    async findSettings(userId: string): Promise<WellbeingSettingsRow | undefined> {
      return db.selectFrom('users').select(settingsColumns).where('id', '=', userId).executeTakeFirst();
    },

    async updateSettings(userId: string, changes: WellbeingSettingsChanges): Promise<WellbeingSettingsRow | undefined> {
      return db
        .updateTable('users')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', userId)
        .returning(settingsColumns)
        .executeTakeFirst();
    },

    /** The owner's milestone videos in any status, newest first. */
    async listMilestoneVideos(ownerId: string) {
      return db
        .selectFrom('videos')
        .select(['id', 'title', 'status', 'milestone_days', 'created_at', 'published_at'])
        .where('owner_id', '=', ownerId)
        .where('milestone_days', 'is not', null)
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute();
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
