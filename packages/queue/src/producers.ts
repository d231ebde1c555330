// Enqueueing jobs. Job ids are derived from the payload so enqueueing twice is harmless.
import { Queue } from 'bullmq';
import { createQueueConnection, type QueueConnectionOptions } from './connection.ts';
import { type MediaJobs, QUEUE_NAMES } from './jobs.ts';

export interface MediaQueue {
  enqueueProcessVideo(payload: MediaJobs['process-video'], opts?: { attempt?: number }): Promise<void>;
  /** Where a video's run stands in the queue ('failed' once BullMQ gave up on it, 'unknown' when there is no such job). */
  processVideoState(videoId: string, attempt?: number): Promise<string>;
  scheduleOriginalDeletion(payload: MediaJobs['delete-original'], delayMs: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A re-run (the owner's choice of faces) gets a new id; a duplicate enqueue of the same run does not. */
function processVideoJobId(videoId: string, attempt = 0): string {
  return `${processVideoJobPrefix(videoId)}${attempt}`;
}

/** What every process-video job id of this video starts with; the run's number follows. */
function processVideoJobPrefix(videoId: string): string {
  return `process-video-${videoId}-`;
}

/**
 * Which run of its video a process-video job is: the `attempt` its id was made with (0 for the upload's run, the
 * choice's time for the run of an owner's choice of faces); null for an id not made here.
 */
export function processVideoRunOf(jobId: string | undefined, videoId: string): number | null {
  const prefix = processVideoJobPrefix(videoId);
  if (!jobId?.startsWith(prefix)) return null;
  const digits = jobId.slice(prefix.length);
  const run = Number(digits);
  return /^\d+$/.test(digits) && Number.isSafeInteger(run) ? run : null;
}

export function createMediaQueue(options: QueueConnectionOptions): MediaQueue {
  const connection = createQueueConnection(options.redisUrl, 'producer');
  const queue = new Queue<MediaJobs[keyof MediaJobs], unknown, keyof MediaJobs>(QUEUE_NAMES.media, {
    connection,
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  return {
    async enqueueProcessVideo(payload, opts = {}) {
      await queue.add('process-video', payload, { jobId: processVideoJobId(payload.videoId, opts.attempt) });
    },
    async processVideoState(videoId, attempt) {
      return queue.getJobState(processVideoJobId(videoId, attempt));
    },
    async scheduleOriginalDeletion(payload, delayMs) {
      await queue.add('delete-original', payload, { jobId: `delete-original-${payload.videoId}`, delay: Math.max(0, delayMs) });
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
