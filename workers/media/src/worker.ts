// Builds the BullMQ worker for the media queue. Lock and stall settings decide how fast a killed worker's job
// is taken over by another: a lock not renewed within jobLockMs is found by the next stalled check.
import type { Config } from '@onward/config';
import { createQueueConnection, type MediaJobName, type MediaJobs, QUEUE_NAMES } from '@onward/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import { assertEveryJobHasAHandler, type JobContext, type JobHandlers, type JobOutcome } from './job-registry.ts';
import { createDeleteOriginal } from './delete-original.ts';
import { createProcessVideo } from './process-video.ts';

export function createMediaWorker(config: Config, deps: WorkerDeps, log: Logger) {
  const handlers: Partial<JobHandlers> = {
    'process-video': createProcessVideo(deps, config, log),
    'delete-original': createDeleteOriginal(deps),
  };
  assertEveryJobHasAHandler(handlers);

  const connection = createQueueConnection(config.redis.url, 'worker');
  const worker = new Worker<MediaJobs[MediaJobName], unknown, MediaJobName>(
    QUEUE_NAMES.media,
    async (job, _token, signal) => {
      const controller = new AbortController();
      signal?.addEventListener('abort', () => controller.abort());
      const handler = handlers[job.name] as (payload: MediaJobs[MediaJobName], ctx: JobContext) => Promise<JobOutcome>;
      const outcome = await handler(job.data, {
        signal: controller.signal,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        ...(job.id !== undefined ? { jobId: job.id } : {}),
      });
      log.info({ jobId: job.id, name: job.name, ...job.data, ...outcome }, 'job finished');
      // A refused upload is final: do not let BullMQ retry it.
      if (outcome.status === 'failed') throw new UnrecoverableError(outcome.reason);
      return outcome;
    },
    {
      connection,
      prefix: `${config.redis.prefix}:bull`,
      concurrency: config.media.workerConcurrency,
      lockDuration: config.media.jobLockMs,
      stalledInterval: config.media.stalledCheckMs,
      // A job whose worker died twice is not retried forever.
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled: its worker died; another takes it over'));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
