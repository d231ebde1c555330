// Every queue and job the platform runs, with its payload type, declared once.
export const QUEUE_NAMES = { media: 'media' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface MediaJobs {
  /** Probe, validate, (blur), transcode to the HLS ladder, upload, then move the video to in_review. */
  'process-video': { videoId: string };
  /** Deletes the original once the video is published, rejected or removed (after the retention period). */
  'delete-original': { videoId: string };
}
export type MediaJobName = keyof MediaJobs;
export const MEDIA_JOB_NAMES: readonly MediaJobName[] = ['process-video', 'delete-original'];
