export { createQueueConnection, type QueueConnectionOptions } from './connection.ts';
export { MEDIA_JOB_NAMES, type MediaJobName, type MediaJobs, QUEUE_NAMES, type QueueName } from './jobs.ts';
export { createMediaQueue, type MediaQueue, processVideoRunOf } from './producers.ts';
