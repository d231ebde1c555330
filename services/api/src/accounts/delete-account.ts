// Deleting an account removes its media first (S3 deletion is idempotent, so a failure can simply be retried
// while the account still exists), then the user row, which cascades to sessions, videos, reports and blocks.
import { objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';

export async function deleteAccountAndMedia(deps: Pick<AppDeps, 'users' | 'videos' | 'storage'>, userId: string) {
  const videoIds = await deps.videos.listVideoIdsOfOwner(userId);
  for (const videoId of videoIds) {
    await deleteVideoMedia(deps, videoId);
  }
  await deps.users.deleteUser(userId);
}

export async function deleteVideoMedia(deps: Pick<AppDeps, 'storage'>, videoId: string) {
  for (const keyOrPrefix of objectKeys.allForVideo(videoId)) {
    if (keyOrPrefix.endsWith('/')) await deps.storage.deletePrefix(keyOrPrefix);
    else await deps.storage.deleteObject(keyOrPrefix);
  }
}
