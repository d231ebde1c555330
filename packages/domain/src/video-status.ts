// The video state machine (ARCHITECTURE §2). The database mirrors this table (video_status_transitions)
// and refuses any other UPDATE of videos.status; a test keeps the two identical.
import { AppError } from './errors.ts';

export const VIDEO_STATUSES = [
  'processing',
  // faces were found in a clip the owner asked to blur: the owner chooses which (if any) are theirs to keep visible
  'awaiting_faces',
  'in_review',
  'published',
  'failed',
  'rejected',
  'changes_requested',
  'removed',
] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** The state a new video starts in. */
export const INITIAL_VIDEO_STATUS: VideoStatus = 'processing';

export const VIDEO_TRANSITIONS: Readonly<Record<VideoStatus, readonly VideoStatus[]>> = {
  processing: ['in_review', 'failed', 'awaiting_faces'],
  // the owner chose (or accepted "blur everyone"): the obscured ladder is encoded
  awaiting_faces: ['processing'],
  // re-processing after a failure (a retried or re-run job)
  failed: ['processing'],
  in_review: ['published', 'rejected', 'changes_requested', 'processing'],
  // the owner edits (back to review) or re-uploads (back to processing)
  changes_requested: ['in_review', 'processing'],
  // removal after a report, or unpublishing back into review
  published: ['removed', 'in_review'],
  rejected: [],
  removed: [],
};

export function canTransition(from: VideoStatus, to: VideoStatus): boolean {
  return VIDEO_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: VideoStatus, to: VideoStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError(409, 'illegal_transition', `A video that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}.`, {
      from,
      to,
    });
  }
}

/** Every allowed (from, to) pair, in a stable order: what the database table holds. */
export function videoTransitionPairs(): Array<[VideoStatus, VideoStatus]> {
  return VIDEO_STATUSES.flatMap((from) => VIDEO_TRANSITIONS[from].map((to) => [from, to] as [VideoStatus, VideoStatus]));
}

/** What the owner reads about a clip whose processing failed for good (not a refused upload, which says why). */
export const PROCESSING_FAILED = { code: 'processing_failed', reason: 'We could not process this clip. Please try uploading it again.' } as const;
