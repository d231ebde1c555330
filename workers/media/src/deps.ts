// What the media worker talks to.
import type { Config } from '@onward/config';
import { createDb, createVideoRepository, type Db, type VideoRepository } from '@onward/db';
import { createObjectStore, type ObjectStore } from '@onward/storage';

export interface WorkerDeps {
  db: Db;
  videos: VideoRepository;
  storage: ObjectStore;
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
  return {
    db,
    videos: createVideoRepository(db),
    storage,
    async close() {
      await db.destroy();
      storage.client.destroy();
    },
  };
}
