// For tests and embedding: build the media worker without starting a process.
export { createWorkerDeps, type WorkerDeps } from './deps.ts';
export { createProcessVideo } from './process-video.ts';
export { createMediaWorker } from './worker.ts';
