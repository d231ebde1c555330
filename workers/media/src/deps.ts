// What the media worker talks to.
import type { Config } from '@onward/config';
import { createDb, createVideoRepository, type Db, type VideoRepository } from '@onward/db';
import { createFrameDetector, type FrameDetector } from '@onward/media';
import { createObjectStore, type ObjectStore } from '@onward/storage';

export interface WorkerDeps {
  db: Db;
  videos: VideoRepository;
  storage: ObjectStore;
  /** The face detector, loaded on the first clip that asks for blurred faces and kept for the process's life. */
  faceDetector(): Promise<FrameDetector>;
  close(): Promise<void>;
}

export function createWorkerDeps(config: Config): WorkerDeps {
  const db = createDb({
    connectionString: config.databaseUrl,
    applicationName: 'onward-media-worker',
    maxConnections: 4,
    onIdleConnectionError: (error) => process.emitWarning(`idle Postgres connection lost: ${error.message}`),
  });
  const storage = createObjectStore(config.s3);
  let detector: Promise<FrameDetector> | null = null;
  return {
    db,
    videos: createVideoRepository(db),
    storage,
    faceDetector() {
      detector ??= createFrameDetector().catch((error: unknown) => {
        detector = null;
        throw error;
      });
      return detector;
    },
    async close() {
      if (detector) await (await detector.catch(() => null))?.close();
      await db.destroy();
      storage.client.destroy();
    },
  };
}
