// Blocks between members: a block hides each side from the other in the feed, both ways.
import type { Db } from '../connection.ts';

export function createBlockRepository(db: Db) {
  return {
    /** Idempotent: blocking someone already blocked changes nothing. */
    async block(blockerId: string, blockedId: string) {
      await db.insertInto('blocks').values({ blocker_id: blockerId, blocked_id: blockedId }).onConflict((oc) => oc.doNothing()).execute();
    },

    async unblock(blockerId: string, blockedId: string) {
      await db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
    },

    /** Whom I blocked, newest first. */
    async listBlocked(blockerId: string) {
      return db
        .selectFrom('blocks as b')
        .innerJoin('users as u', 'u.id', 'b.blocked_id')
        .select(['u.handle', 'b.created_at'])
        .where('b.blocker_id', '=', blockerId)
        .orderBy('b.created_at', 'desc')
        .limit(1000)
        .execute();
    },
  };
}

export type BlockRepository = ReturnType<typeof createBlockRepository>;
