// Clips whose run the queue gave up on without the worker saying so. A worker that dies mid-job (killed, out of
// memory) has its job taken over; after the stall limit BullMQ fails the job by itself, the worker's own failure
// handling never runs, and the clip would stay in processing for good, keeping its upload (unblurred, when faces
// were to be blurred) and its face pictures. The API's sweep fails such clips the way the worker does.
import { PROCESSING_FAILED } from '@onward/domain';
import { deleteVideoMedia } from '@onward/storage';
import type { AppDeps } from '../deps.ts';
import { everyPage } from './clip-pages.ts';

type Deps = Pick<AppDeps, 'videos' | 'mediaQueue' | 'storage'>;

/** A clip is looked at once it has not changed (not even its progress) for this long. */
export const QUIET_PROCESSING_MS = 15 * 60_000;
/** With no job at all (Redis lost it), it is failed only after this long: an upload's enqueue may be in flight. */
export const JOBLESS_PROCESSING_MS = 60 * 60_000;

/**
 * Fails the clips in processing whose run failed in the queue, or has no job; how many. Every quiet clip is looked
 * at, a page at a time: a backlog of clips still queued must not hide an abandoned one behind it.
 */
export async function failAbandonedProcessing(deps: Deps, now = new Date(), pageSize = 100): Promise<number> {
  let failed = 0;
  const undeleted: unknown[] = [];
  const cutoff = new Date(now.getTime() - QUIET_PROCESSING_MS);
  for await (const video of everyPage((page) => deps.videos.listProcessingBefore(cutoff, page), pageSize)) {
    const state = await deps.mediaQueue.processVideoState(video.id, video.faces_chosen_at?.getTime());
    const jobless = state === 'unknown' && now.getTime() - video.updated_at.getTime() >= JOBLESS_PROCESSING_MS;
    if (state !== 'failed' && !jobless) continue;
    // Nothing re-runs a failed clip (its owner is asked to upload it again): its files and its upload go, before it
    // shows as failed. If deleting fails, the clip stays in processing and the next sweep tries again.
    try {
      await deleteVideoMedia(deps.storage, video.id);
    } catch (error) {
      undeleted.push(error);
      continue;
    }
    if (await deps.videos.transitionStatus(video.id, 'processing', 'failed', { failure_code: PROCESSING_FAILED.code, failure_reason: PROCESSING_FAILED.reason })) failed++;
  }
  if (undeleted.length > 0) {
    throw new AggregateError(undeleted, `${failed} abandoned clips failed; ${undeleted.length} more kept for the next sweep: their files could not be deleted`);
  }
  return failed;
}
