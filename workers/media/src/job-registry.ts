// One map from job name to handler; start-up fails if a declared job has none.
import { MEDIA_JOB_NAMES, type MediaJobName, type MediaJobs } from '@onward/queue';

export interface JobContext {
  signal: AbortSignal;
  attempt: number;
  maxAttempts: number;
  /** The queue's id of the job (kept by its retries); absent when a job is run outside the queue. */
  jobId?: string;
}

export type JobHandlers = { [N in MediaJobName]: (payload: MediaJobs[N], ctx: JobContext) => Promise<JobOutcome> };

export type JobOutcome = { status: 'done' } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string };

export function assertEveryJobHasAHandler(handlers: Partial<JobHandlers>): asserts handlers is JobHandlers {
  const missing = MEDIA_JOB_NAMES.filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new Error(`media worker: no handler for job(s) ${missing.join(', ')}`);
}
