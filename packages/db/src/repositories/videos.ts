// Queries about videos: creation by an upload, the owner's view, edits, and guarded status changes.
import { assertTransition, type VideoStatus } from '@onward/domain';
import type { Db } from '../connection.ts';
import type { NewVideo, VideosTable } from '../schema.ts';
import type { Updateable } from 'kysely';

/** Statuses in which the owner may still edit title, description, category and warnings. */
export const EDITABLE_STATUSES: readonly VideoStatus[] = ['processing', 'in_review', 'changes_requested', 'failed'];

/** A page of a sweep over clips: the ones after `afterId`, in id order, so that every clip is reached once. */
export interface ClipPage {
  afterId?: string;
  limit?: number;
}

export function createVideoRepository(db: Db) {
  /** Clips in `status`, unchanged since before `cutoff`, one page of them. */
  const quietSince = (status: VideoStatus, cutoff: Date, page: ClipPage) => {
    let query = db.selectFrom('videos').where('status', '=', status).where('updated_at', '<', cutoff);
    if (page.afterId) query = query.where('id', '>', page.afterId);
    return query.orderBy('id').limit(page.limit ?? 100);
  };

  return {
    async insertVideo(video: NewVideo) {
      return db.insertInto('videos').values(video).returningAll().executeTakeFirstOrThrow();
    },

    /** Uploads in the last 24 hours (the per-user daily quota). */
    async countUploadsSince(ownerId: string, since: Date): Promise<number> {
      const row = await db
        .selectFrom('videos')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('owner_id', '=', ownerId)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async findVideo(videoId: string) {
      return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirst();
    },

    async listVideosOfOwner(ownerId: string) {
      return db.selectFrom('videos').selectAll().where('owner_id', '=', ownerId).orderBy('created_at', 'desc').limit(500).execute();
    },

    async listVideoIdsOfOwner(ownerId: string): Promise<string[]> {
      const rows = await db.selectFrom('videos').select('id').where('owner_id', '=', ownerId).execute();
      return rows.map((r) => r.id);
    },

    /** Edits metadata only while the video is in an editable status; returns the row or undefined. */
    async updateEditableMetadata(videoId: string, ownerId: string, changes: Updateable<VideosTable>) {
      return db
        .updateTable('videos')
        .set(changes)
        .where('id', '=', videoId)
        .where('owner_id', '=', ownerId)
        .where('status', 'in', EDITABLE_STATUSES)
        .returningAll()
        .executeTakeFirst();
    },

    async deleteVideo(videoId: string): Promise<boolean> {
      const result = await db.deleteFrom('videos').where('id', '=', videoId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async markOriginalDeleted(videoId: string) {
      await db.updateTable('videos').set({ original_deleted_at: new Date() }).where('id', '=', videoId).execute();
    },

    async setProgress(videoId: string, progress: number) {
      await db
        .updateTable('videos')
        .set({ progress: Math.max(0, Math.min(100, Math.round(progress))) })
        .where('id', '=', videoId)
        .where('status', '=', 'processing')
        .execute();
    },

    /**
     * Moves a video from one status to another only if it is still in `from` (a guarded UPDATE),
     * so two concurrent deciders cannot both win. Returns false when the video was not in `from`.
     */
    async transitionStatus(
      videoId: string,
      from: VideoStatus,
      to: VideoStatus,
      changes: Omit<Updateable<VideosTable>, 'status' | 'id' | 'owner_id'> = {},
    ) {
      assertTransition(from, to);
      const result = await db
        .updateTable('videos')
        .set({ ...changes, status: to })
        .where('id', '=', videoId)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /**
     * Faces found in a clip to be blurred: the tracks are stored (all hidden) and the clip waits for its owner's
     * choice, in one transaction. False when the video was no longer processing.
     */
    async awaitFaceChoice(videoId: string, tracks: Array<{ trackId: number; frameCount: number }>, progress: number) {
      return db.transaction().execute(async (trx) => {
        assertTransition('processing', 'awaiting_faces');
        const moved = await trx
          .updateTable('videos')
          .set({ status: 'awaiting_faces', progress, updated_at: new Date() })
          .where('id', '=', videoId)
          .where('status', '=', 'processing')
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) return false;
        await trx.deleteFrom('video_face_tracks').where('video_id', '=', videoId).execute();
        await trx
          .insertInto('video_face_tracks')
          .values(tracks.map((t) => ({ video_id: videoId, track_id: t.trackId, frame_count: t.frameCount })))
          .execute();
        return true;
      });
    },

    /** Clips in processing with no change (not even progress) since before `cutoff`, a page of them. */
    async listProcessingBefore(cutoff: Date, page: ClipPage = {}) {
      return quietSince('processing', cutoff, page).select(['id', 'faces_chosen_at', 'updated_at']).execute();
    },

    /** Clips that have waited for their owner's choice of faces since before `cutoff`, a page of them. */
    async listAwaitingFacesBefore(cutoff: Date, page: ClipPage = {}) {
      return quietSince('awaiting_faces', cutoff, page).select(['id', 'owner_id']).execute();
    },

    async listFaceTracks(videoId: string) {
      return db.selectFrom('video_face_tracks').selectAll().where('video_id', '=', videoId).orderBy('track_id').execute();
    },

    /**
     * The owner's choice: these tracks stay visible, every other is obscured; the clip goes back to processing for
     * the obscured ladder. False when it was not awaiting a choice (anymore).
     */
    async chooseVisibleFaces(videoId: string, ownerId: string, visibleTrackIds: readonly number[]) {
      return db.transaction().execute(async (trx) => {
        assertTransition('awaiting_faces', 'processing');
        const moved = await trx
          .updateTable('videos')
          .set({ status: 'processing', faces_chosen_at: new Date(), progress: 0, updated_at: new Date() })
          .where('id', '=', videoId)
          .where('owner_id', '=', ownerId)
          .where('status', '=', 'awaiting_faces')
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) return false;
        await trx.updateTable('video_face_tracks').set({ visible: false }).where('video_id', '=', videoId).execute();
        if (visibleTrackIds.length > 0) {
          await trx
            .updateTable('video_face_tracks')
            .set({ visible: true })
            .where('video_id', '=', videoId)
            .where('track_id', 'in', [...visibleTrackIds])
            .execute();
        }
        return true;
      });
    },

    /**
     * Undoes a choice whose run could not be queued: the clip waits for its owner again, every face hidden, so the
     * choice can be made (and queued) again. Only the choice made at `chosenAt` is undone; false when the clip moved on.
     */
    async reopenFaceChoice(videoId: string, chosenAt: Date) {
      return db.transaction().execute(async (trx) => {
        assertTransition('processing', 'awaiting_faces');
        const moved = await trx
          .updateTable('videos')
          .set({ status: 'awaiting_faces', faces_chosen_at: null, progress: 40, updated_at: new Date() })
          .where('id', '=', videoId)
          .where('status', '=', 'processing')
          .where('faces_chosen_at', '=', chosenAt)
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) return false;
        await trx.updateTable('video_face_tracks').set({ visible: false }).where('video_id', '=', videoId).execute();
        return true;
      });
    },

    /** Once the obscured ladder is stored, the face list has served its purpose. */
    async forgetFaceTracks(videoId: string) {
      await db.deleteFrom('video_face_tracks').where('video_id', '=', videoId).execute();
    },

    /** Replaces a video's renditions (a re-run overwrites, never duplicates). */
    async replaceRenditions(
      videoId: string,
      renditions: Array<{ width: number; height: number; bandwidth: number; codecs: string; playlist: string }>,
    ) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('renditions').where('video_id', '=', videoId).execute();
        if (renditions.length > 0) {
          await trx
            .insertInto('renditions')
            .values(renditions.map((r) => ({ ...r, video_id: videoId })))
            .execute();
        }
      });
    },

    async listRenditions(videoId: string) {
      return db.selectFrom('renditions').selectAll().where('video_id', '=', videoId).orderBy('height', 'desc').execute();
    },

  };
}

export type VideoRepository = ReturnType<typeof createVideoRepository>;
