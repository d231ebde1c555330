// Face detection on whole display-oriented video frames: the interface the blur pipeline codes against.
// BlazeFace (MediaPipe's model, from human's models/) runs fully convolutionally on a small, mirror-padded pyramid
// of downscaled copies of the frame (scale-plan.ts), unsure small faces are checked again in full-resolution crops
// (pyramid-detect.ts), and FaceMesh confirms what is a face (face-check.ts); the models run natively through
// onnxruntime (blazeface-model.ts), one session per worker thread, so the caller's event loop stays free.
// Choice of model/backend and measurements: docs/face-detection.md.
import { Worker } from 'node:worker_threads';
import type { CloseRequest, DetectRequest, WorkerMessage, WorkerSettings } from './frame-detector-worker.ts';
import type { Yuv420Frame } from './frame-pixels.ts';
import type { Box } from './obscure.ts';
import type { FaceBox, RgbFrame } from './tiles.ts';
import { yuv420FrameBytes } from './y4m.ts';

export type { Yuv420Frame } from './frame-pixels.ts';
export type { FaceBox, RgbFrame } from './tiles.ts';

export interface FrameDetector {
  /**
   * Faces in a full display-oriented frame, RGB24 or yuv420p (the decoder's frames as they are; a dim one is
   * brightened for detection), in its pixel coordinates (x, y, width, height, score).
   */
  detect(frame: RgbFrame | Yuv420Frame, options?: DetectOptions): Promise<FaceBox[]>;
  close(): Promise<void>;
}

export interface DetectOptions {
  /** Where faces FaceMesh already confirmed were last seen (frame px): boxes there are not checked again. */
  known?: readonly Box[];
}

export interface FrameDetectorOptions {
  /** Smallest face (box side, frame px) that must be found. Default 40. */
  minFaceSize?: number;
  /** Worker threads, each with its own model, taking frames in turn. Default 1. */
  threads?: number;
}

/** BlazeFace score from which a face is reported. */
export const MIN_SCORE = 0.5;
/**
 * Small faces scoring this on the (cheap, coarse) finest level are checked again at a higher resolution: a missed
 * face is a privacy failure, a false alarm only blurs a little more (docs/face-detection.md).
 */
export const CANDIDATE_SCORE = 0.1;
/** Boxes overlapping more than this are one face (blended). */
export const BLEND_IOU = 0.3;
const LARGEST_THREADS = 8;
/** How long a thread may take to release its models when closed before it is ended anyway. */
const RELEASE_TIMEOUT_MS = 5_000;

/** Throws unless `frame` is a non-empty RGB24 or yuv420p picture whose byte length matches its size. */
export function checkFrame(frame: RgbFrame | Yuv420Frame): void {
  const { width, height } = frame;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  if ('yuv' in frame) {
    if (!(frame.yuv instanceof Uint8Array)) throw new TypeError('frame.yuv must be a Uint8Array of yuv420p planes');
    const size = yuv420FrameBytes(width, height);
    if (frame.yuv.length !== size) throw new RangeError(`expected ${size} bytes of yuv420p ${width}x${height}, got ${frame.yuv.length}`);
    return;
  }
  const { rgb } = frame;
  if (!(rgb instanceof Uint8Array)) throw new TypeError('frame.rgb must be a Uint8Array of RGB24 pixels');
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 = ${width * height * 3} bytes, got ${rgb.length}`);
}

interface Pending {
  resolve(faces: FaceBox[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: Promise<void>;
  failure: Error | null;
  /** Resolves when the thread has released its models (or ended). */
  released: Promise<void>;
}

/**
 * The parent's Node options minus those that only make sense for a main script (a worker inherits them all by
 * default, and `node --input-type=module --eval ...` would make every worker fail to start). Loaders (`--import tsx`)
 * and everything else are kept.
 */
export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] as string;
    if (/^--(input-type|eval|print)=/.test(arg)) continue;
    if (['--input-type', '--eval', '-e', '--print', '-p'].includes(arg)) {
      // --print/-p may stand alone; otherwise the next argument is the value
      if (arg === '--input-type' || arg === '--eval' || arg === '-e') i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

function startThread(settings: WorkerSettings): Thread {
  const worker = new Worker(new URL('./frame-detector-worker.ts', import.meta.url), {
    workerData: settings,
    execArgv: workerExecArgv(process.execArgv),
  });
  const pending = new Map<number, Pending>();
  let onReleased = (): void => {};
  const released = new Promise<void>((resolve) => {
    onReleased = resolve;
  });
  const thread: Thread = { worker, pending, ready: Promise.resolve(), failure: null, released };
  const fail = (error: Error): void => {
    thread.failure ??= error;
    for (const p of pending.values()) p.reject(thread.failure);
    pending.clear();
  };
  thread.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'closed') onReleased();
      else if (message.type === 'failed') {
        fail(new Error(`face detector: ${message.message}`));
        reject(thread.failure);
      } else {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'faces') p?.resolve(message.faces);
        else p?.reject(new Error(`face detector: ${message.message}`));
      }
    });
    worker.on('error', (error) => {
      fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      onReleased();
      const error = new Error(`face detector: worker thread exited (code ${code})`);
      fail(error);
      reject(error);
    });
  });
  return thread;
}

export async function createFrameDetector(options: FrameDetectorOptions = {}): Promise<FrameDetector> {
  const minFaceSize = options.minFaceSize ?? 40;
  const threadCount = options.threads ?? 1;
  if (!(Number.isFinite(minFaceSize) && minFaceSize > 0)) throw new RangeError(`minFaceSize must be a positive number, got ${minFaceSize}`);
  if (!(Number.isInteger(threadCount) && threadCount >= 1 && threadCount <= LARGEST_THREADS)) {
    throw new RangeError(`threads must be an integer from 1 to ${LARGEST_THREADS}, got ${threadCount}`);
  }
  const settings: WorkerSettings = { minFaceSize, minScore: MIN_SCORE, candidateScore: CANDIDATE_SCORE, iouThreshold: BLEND_IOU };
  const threads = Array.from({ length: threadCount }, () => startThread(settings));
  try {
    await Promise.all(threads.map((t) => t.ready));
  } catch (error) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw error;
  }
  let nextId = 0;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<Promise<FaceBox[]>>();

  return {
    detect(frame, detectOptions = {}) {
      if (closing) return Promise.reject(new Error('face detector: closed'));
      try {
        checkFrame(frame);
      } catch (error) {
        return Promise.reject(error);
      }
      const alive = threads.filter((t) => !t.failure);
      if (alive.length === 0) return Promise.reject(threads[0]?.failure ?? new Error('face detector: no threads'));
      // the least busy thread; the frame is copied to it (the caller keeps its buffer)
      const thread = alive.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      const result = new Promise<FaceBox[]>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        const known = (detectOptions.known ?? []).map(({ x, y, width, height }) => ({ x, y, width, height }));
        const { width, height } = frame;
        const request: DetectRequest =
          'yuv' in frame
            ? { type: 'detect', id, format: 'yuv420p', pixels: frame.yuv, width, height, known }
            : { type: 'detect', id, format: 'rgb', pixels: frame.rgb, width, height, known };
        thread.worker.postMessage(request);
      });
      inFlight.add(result);
      const forget = (): void => {
        inFlight.delete(result);
      };
      result.then(forget, forget);
      return result;
    },
    close() {
      // answers every detect() already accepted, then ends the threads
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await Promise.all(
          threads.map(async (t) => {
            if (!t.failure) {
              t.worker.postMessage({ type: 'close' } satisfies CloseRequest);
              let timer: NodeJS.Timeout | undefined;
              await Promise.race([t.released, new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_TIMEOUT_MS)))]);
              clearTimeout(timer);
            }
            await t.worker.terminate();
          }),
        );
      })();
      return closing;
    },
  };
}
