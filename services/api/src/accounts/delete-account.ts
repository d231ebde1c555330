// Deleting an account removes its media first (S3 deletion is idempotent, so a failure can simply be retried
// while the account still exists), then the user row, which cascades to sessions, videos, reports and blocks, then
// the media once more (what a media job still running stored in between).
import { deleteVideoMedia } from '@onward/storage';
import type { AppDeps } from '../deps.ts';

export async function deleteAccountAndMedia(deps: Pick<AppDeps, 'users' | 'videos' | 'storage'>, userId: string) {
  const videoIds = await deps.videos.listVideoIdsOfOwner(userId);
  await withMediaSweptTwice(deps, videoIds, () => deps.users.deleteUser(userId));
}

/**
 * Deletes the videos' media, then their rows (`deleteRows`), then their media once more. A media job still running
 * for one of them may store files (face thumbnails, a face list) after the first sweep and before the rows are gone;
 * the second sweep removes those. Once the rows are gone no job keeps anything: the worker checks the row before it
 * lets files stand and deletes what it stored for a video that no longer exists.
 */
export async function withMediaSweptTwice(deps: Pick<AppDeps, 'storage'>, videoIds: readonly string[], deleteRows: () => Promise<unknown>) {
  for (const videoId of videoIds) await deleteVideoMedia(deps.storage, videoId);
  await deleteRows();
  for (const videoId of videoIds) await deleteVideoMedia(deps.storage, videoId);
}
