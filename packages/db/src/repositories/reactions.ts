// Supportive reactions: a member toggles their own; only the video's owner ever sees how many there are.
import { sql } from 'kysely';
import type { Db } from '../connection.ts';
import type { ReactionsTable } from '../schema.ts';

export type ReactionKind = ReactionsTable['kind'];

export function createReactionRepository(db: Db) {
  return {
    /** Whether the viewer may react: the video is published and neither side blocked the other. */
    async isReactable(videoId: string, viewerId: string): Promise<boolean> {
      const row = await db
        .selectFrom('videos as v')
        .select('v.id')
        .where('v.id', '=', videoId)
        .where('v.status', '=', 'published')
        .where(
          sql<boolean>`not exists (select 1 from blocks b where (b.blocker_id = ${viewerId} and b.blocked_id = v.owner_id)
            or (b.blocker_id = v.owner_id and b.blocked_id = ${viewerId}))`,
        )
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Idempotent: a second identical reaction changes nothing. */
    async addReaction(videoId: string, userId: string, kind: ReactionKind) {
      await db.insertInto('reactions').values({ video_id: videoId, user_id: userId, kind }).onConflict((oc) => oc.doNothing()).execute();
    },

    async removeReaction(videoId: string, userId: string, kind: ReactionKind) {
      await db.deleteFrom('reactions').where('video_id', '=', videoId).where('user_id', '=', userId).where('kind', '=', kind).execute();
    },

    async countReactions(videoId: string): Promise<Record<ReactionKind, number>> {
      const rows = await db
        .selectFrom('reactions')
        .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
        .where('video_id', '=', videoId)
        .groupBy('kind')
        .execute();
      const counts: Record<ReactionKind, number> = { proud_of_you: 0, same_here: 0, thank_you: 0, sending_strength: 0 };
      for (const row of rows) counts[row.kind] = Number(row.n);
      return counts;
    },
  };
}

export type ReactionRepository = ReturnType<typeof createReactionRepository>;
