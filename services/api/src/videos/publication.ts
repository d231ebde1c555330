// Publishing copies a reviewed video's renditions to public/media/{id}/ (immutable, cacheable); unpublishing or
// removal deletes that copy at once. The private copy stays for the owner and reviewers; the original is
// deleted after the retention period.
import type { Config } from '@onward/config';
import { AppError } from '@onward/domain';
import { type ObjectStore, objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** What of the private media is published: the ladder (with captions) and the images; never the sources. */
const PUBLISHED_FILES = ['poster.jpg', 'storyboard.jpg', 'storyboard.json'];

export async function copyMediaToPublic(storage: ObjectStore, videoId: string): Promise<number> {
  const privatePrefix = objectKeys.privateMediaPrefix(videoId);
  const keys = [
    ...(await storage.listKeys(`${privatePrefix}hls/`)),
    ...PUBLISHED_FILES.map((file) => objectKeys.privateMedia(videoId, file)),
  ];
  if (!keys.some((k) => k.endsWith('/hls/master.m3u8'))) {
    throw new AppError(409, 'media_missing', 'This video has no playable renditions to publish.');
  }
  try {
    for (const key of keys) {
      if (!(await storage.headObject(key))) continue;
      await storage.copyObject(key, objectKeys.publicMedia(videoId, key.slice(privatePrefix.length)), {
        cacheControl: PUBLIC_CACHE_CONTROL,
      });
    }
  } catch (error) {
    await storage.deletePrefix(objectKeys.publicMediaPrefix(videoId)).catch(() => {});
    throw new AppError(503, 'storage_unavailable', 'Publishing failed because storage is unavailable. Please try again.', {
      cause: String(error),
    });
  }
  return keys.length;
}

export async function removePublicMedia(storage: ObjectStore, videoId: string): Promise<void> {
  await storage.deletePrefix(objectKeys.publicMediaPrefix(videoId));
}

/** After publication or rejection the original is only kept for a while, in case it must be re-processed. */
export async function scheduleOriginalDeletion(deps: Pick<AppDeps, 'mediaQueue'>, config: Config, videoId: string) {
  await deps.mediaQueue.scheduleOriginalDeletion({ videoId }, config.media.originalRetentionHours * 3_600_000);
}
