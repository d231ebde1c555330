// Everything a video owns in the bucket, deleted in one call: what a deleted account or clip, and a clip that
// failed for good, must not leave behind. The API and the media worker both call this, so the two cannot drift.
import { objectKeys } from './object-keys.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * Deletes every object the video can own: its upload and a resumable upload's sidecars, its private media (the
 * ladder, face pictures and face list, captions) and its published copy. Idempotent (S3 deletion is): a failure
 * throws and the whole call can simply be repeated.
 */
export async function deleteVideoMedia(store: Pick<ObjectStore, 'deleteObject' | 'deletePrefix'>, videoId: string): Promise<void> {
  for (const keyOrPrefix of objectKeys.allForVideo(videoId)) {
    if (keyOrPrefix.endsWith('/')) await store.deletePrefix(keyOrPrefix);
    else await store.deleteObject(keyOrPrefix);
  }
}
