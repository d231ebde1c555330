// The owner's choice of the faces that stay visible in a clip to be blurred, and the run it starts; and, for a clip
// whose owner has not chosen within FACE_CHOICE_HOURS, the default choice (every face blurred), so that the unblurred
// upload and the face thumbnails are not kept indefinitely (docs/media-pipeline.md, "Face blur").
import type { Config } from '@onward/config';
import type { AppDeps } from '../deps.ts';
import { everyPage } from './clip-pages.ts';

type Deps = Pick<AppDeps, 'videos' | 'mediaQueue'>;
interface Log {
  error(details: object, message: string): void;
}

/**
 * Records the choice and queues the obscured ladder; the video as it is then, or null when it was not (or no longer)
 * waiting for a choice. If the run cannot be queued the choice is undone (the clip waits again, every face hidden)
 * and the error is thrown: unqueued, the clip would sit in processing for good and a new choice be refused.
 */
export async function chooseFacesAndQueue(deps: Deps, videoId: string, ownerId: string, visible: readonly number[], log: Log) {
  if (!(await deps.videos.chooseVisibleFaces(videoId, ownerId, visible))) return null;
  const updated = await deps.videos.findVideo(videoId);
  const chosenAt = updated?.faces_chosen_at;
  if (!updated || !chosenAt) return null;
  try {
    // A run of its own (the detection run's job id is taken); the choice's time keeps a duplicate enqueue single.
    await deps.mediaQueue.enqueueProcessVideo({ videoId }, { attempt: chosenAt.getTime() });
  } catch (error) {
    await deps.videos.reopenFaceChoice(videoId, chosenAt).catch((reopenError: unknown) => {
      log.error({ videoId, err: reopenError }, 'could not reopen the face choice');
    });
    throw error;
  }
  return updated;
}

const HOUR_MS = 3_600_000;

/** When the choice of a clip waiting since `waitingSince` (its last change) closes by itself. */
export function faceChoiceDeadline(waitingSince: Date, config: Pick<Config, 'media'>): Date {
  return new Date(waitingSince.getTime() + config.media.faceChoiceHours * HOUR_MS);
}

/** Blurs every face of the clips whose owner has not chosen for FACE_CHOICE_HOURS, and sends them on; how many. */
export async function expireFaceChoices(deps: Deps, config: Pick<Config, 'media'>, log: Log, now = new Date(), pageSize = 100): Promise<number> {
  const cutoff = new Date(now.getTime() - config.media.faceChoiceHours * HOUR_MS);
  let expired = 0;
  for await (const video of everyPage((page) => deps.videos.listAwaitingFacesBefore(cutoff, page), pageSize)) {
    if (await chooseFacesAndQueue(deps, video.id, video.owner_id, [], log)) expired++;
  }
  return expired;
}
