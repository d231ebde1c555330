// The media worker's face detector: loaded for the clips that need it, shared by concurrent jobs, and unloaded once
// idle, so its memory (a model per worker thread) is not held while the encoder of the next phase runs.
import { loadConfig } from '@onward/config';
import { createWorkerDeps } from '@onward/media-worker';
import { afterAll, describe, expect, it } from 'vitest';

const config = loadConfig({ FACE_DETECTOR_IDLE_MS: '100', FACE_DETECT_THREADS: '1' });
const deps = createWorkerDeps(config);
afterAll(() => deps.close());

const frame = { rgb: new Uint8Array(64 * 64 * 3), width: 64, height: 64 };

describe('the worker face detector lease', { timeout: 60_000 }, () => {
  it('shares one detector between concurrent jobs and unloads it when idle', async () => {
    const seen: unknown[] = [];
    await Promise.all(
      [1, 2].map(() =>
        deps.withFaceDetector(async (detector) => {
          seen.push(detector);
          expect(await detector.detect(frame)).toEqual([]);
        }),
      ),
    );
    expect(seen[0]).toBe(seen[1]);
    const first = seen[0] as { detect: (f: typeof frame) => Promise<unknown> };
    await new Promise((resolve) => setTimeout(resolve, 400));
    // unloaded: the old one refuses work, the next job gets a fresh one
    await expect(first.detect(frame)).rejects.toThrow();
    await deps.withFaceDetector(async (detector) => {
      expect(detector).not.toBe(first);
      expect(await detector.detect(frame)).toEqual([]);
    });
  });

  it('a job can hold it from its start (loading while the upload downloads): kept while held, unloaded once released and idle', async () => {
    const release = deps.holdFaceDetector();
    const seen: unknown[] = [];
    await deps.withFaceDetector(async (detector) => {
      seen.push(detector);
    });
    // well past FACE_DETECTOR_IDLE_MS: still loaded, because it is held
    await new Promise((resolve) => setTimeout(resolve, 400));
    await deps.withFaceDetector(async (detector) => {
      seen.push(detector);
      expect(await detector.detect(frame)).toEqual([]);
    });
    expect(seen[1]).toBe(seen[0]);
    release();
    release(); // a second call changes nothing
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect((seen[0] as { detect: (f: typeof frame) => Promise<unknown> }).detect(frame)).rejects.toThrow();
    await deps.withFaceDetector(async (detector) => {
      expect(detector).not.toBe(seen[0]);
      expect(await detector.detect(frame)).toEqual([]);
    });
  });

  it('gives the detector back when a job fails, and a later job still gets one', async () => {
    await expect(deps.withFaceDetector(async () => Promise.reject(new Error('job failed')))).rejects.toThrow('job failed');
    await deps.withFaceDetector(async (detector) => expect(await detector.detect(frame)).toEqual([]));
  });
});
