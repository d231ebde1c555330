// What the media worker talks to.
import type { Config } from '@onward/config';
import { createDb, createVideoRepository, type Db, type VideoRepository } from '@onward/db';
import { createFrameDetector, type FrameDetector } from '@onward/media';
import { createObjectStore, type ObjectStore } from '@onward/storage';

export interface WorkerDeps {
  db: Db;
  videos: VideoRepository;
  storage: ObjectStore;
  /**
   * Runs `work` with the face detector: loaded when a clip needs it, shared by concurrent jobs, and unloaded when no
   * job has used it for FACE_DETECTOR_IDLE_MS (its worker threads hold a few hundred MB that the encoder of the
   * next phase needs more).
   */
  withFaceDetector<T>(work: (detector: FrameDetector) => Promise<T>): Promise<T>;
  /**
   * Starts loading the face detector now and keeps it loaded until the returned release is called (then the idle
   * rule applies): a job that will look for faces calls it first, so the ~1 s load overlaps its download and probe.
   */
  holdFaceDetector(): () => void;
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
  let users = 0;
  let idleTimer: NodeJS.Timeout | null = null;
  const unload = async () => {
    const loaded = detector;
    detector = null;
    await (await loaded?.catch(() => null))?.close();
  };
  /** One more user of the detector (loading it if needed); `release`, called once, ends that use. */
  const acquire = (): { loaded: Promise<FrameDetector>; release: () => void } => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    // In this process: its threads' memory goes back to the system on close (native-memory.ts), and a blurred clip
    // is ~20% faster than with the detector in a child process of its own (docs/benchmarks.md, 2026-11-23 18:10).
    detector ??= createFrameDetector({ threads: config.media.faceDetectThreads }).catch((error: unknown) => {
      detector = null;
      throw error;
    });
    const loaded = detector;
    users++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      users--;
      if (users === 0) {
        idleTimer = setTimeout(() => void unload(), config.media.faceDetectorIdleMs);
        idleTimer.unref();
      }
    };
    return { loaded, release };
  };
  return {
    db,
    videos: createVideoRepository(db),
    storage,
    async withFaceDetector(work) {
      const { loaded, release } = acquire();
      try {
        return await work(await loaded);
      } finally {
        release();
      }
    },
    holdFaceDetector() {
      const { loaded, release } = acquire();
      // a failed load is reported to the job that asks for the detector (which then tries a fresh one)
      loaded.catch(() => {});
      return release;
    },
    async close() {
      if (idleTimer) clearTimeout(idleTimer);
      await unload();
      await db.destroy();
      storage.client.destroy();
    },
  };
}
