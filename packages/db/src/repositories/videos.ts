// Queries about videos that the foundation needs; the upload and review features add theirs here.
import { assertTransition, type VideoStatus } from '@onward/domain';
import type { Db } from '../connection.ts';

export function createVideoRepository(db: Db) {
  return {
    async listVideoIdsOfOwner(ownerId: string): Promise<string[]> {
      const rows = await db.selectFrom('videos').select('id').where('owner_id', '=', ownerId).execute();
      return rows.map((r) => r.id);
    },

    /**
     * Moves a video from one status to another only if it is still in `from` (a guarded UPDATE),
     * so two concurrent deciders cannot both win. Returns false when the video was not in `from`.
     */
    async transitionStatus(videoId: string, from: VideoStatus, to: VideoStatus, changes: { failure_reason?: string | null; review_reason?: string | null; published_at?: Date | null } = {}) {
      assertTransition(from, to);
      const result = await db
        .updateTable('videos')
        .set({ status: to, ...changes })
        .where('id', '=', videoId)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export type VideoRepository = ReturnType<typeof createVideoRepository>;
