// delete-original: removes an original once its video no longer needs it (published, rejected, removed, or gone).
import type { MediaJobs } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import type { WorkerDeps } from './deps.ts';
import type { JobOutcome } from './job-registry.ts';

const DONE_WITH_ORIGINAL = new Set(['published', 'rejected', 'removed']);

export function createDeleteOriginal(deps: WorkerDeps) {
  return async function deleteOriginal({ videoId }: MediaJobs['delete-original']): Promise<JobOutcome> {
    const video = await deps.videos.findVideo(videoId);
    if (video && !DONE_WITH_ORIGINAL.has(video.status)) {
      return { status: 'skipped', reason: `video is ${video.status}: the original may still be needed` };
    }
    await deps.storage.deleteObject(objectKeys.original(videoId));
    if (video) await deps.videos.markOriginalDeleted(videoId);
    return { status: 'done' };
  };
}
