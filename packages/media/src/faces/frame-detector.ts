// Face detection on whole display-oriented video frames: the interface the blur pipeline codes against.
// BlazeFace (MediaPipe's model, from human's models/) runs fully convolutionally on a small, mirror-padded pyramid
// of downscaled copies of the frame (scale-plan.ts), unsure small faces are checked again in full-resolution crops
// (pyramid-detect.ts), and FaceMesh confirms what is a face (face-check.ts); the models run natively through
// onnxruntime (blazeface-model.ts), one session per worker thread, so the caller's event loop stays free.
// Choice of model/backend and measurements: docs/face-detection.md.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { HostMessage, HostRequest } from './frame-detector-process.ts';
import type { CloseRequest, DetectRequest, WorkerMessage, WorkerSettings } from './frame-detector-worker.ts';
import type { Yuv420Frame } from './frame-pixels.ts';
import { releaseFreedNativeMemory } from './native-memory.ts';
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
  /**
   * Run the threads in a child process of their own (default false), which ends on close(): all the native memory
   * the models used goes back to the system then. In-process, glibc keeps the worker threads' malloc arenas after
   * they end (~120-175 MB measured after a 15 s clip), for as long as the process lives. Costs a process start
   * (~0.3 s) and one more copy of each frame (over the IPC pipe). What the media worker uses.
   */
  isolated?: boolean;
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

/** A detection's answer from the other side (a worker thread or the isolated detector's process). */
type Answer = { type: 'faces'; id: number; faces: FaceBox[] } | { type: 'error'; id: number; message: string };

/** Detections sent and not yet answered, by id; all fail, and later ones too, once the other side is gone. */
function pendingReplies() {
  const pending = new Map<number, Pending>();
  let failure: Error | null = null;
  let nextId = 0;
  return {
    get failure() {
      return failure;
    },
    get size() {
      return pending.size;
    },
    add(): { id: number; result: Promise<FaceBox[]> } {
      const id = nextId++;
      return { id, result: new Promise<FaceBox[]>((resolve, reject) => pending.set(id, { resolve, reject })) };
    },
    answer(message: Answer): void {
      const p = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'faces') p?.resolve(message.faces);
      else p?.reject(new Error(`face detector: ${message.message}`));
    },
    fail(error: Error): void {
      failure ??= error;
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
    },
  };
}

interface Thread {
  worker: Worker;
  replies: ReturnType<typeof pendingReplies>;
  ready: Promise<void>;
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
  const replies = pendingReplies();
  let onReleased = (): void => {};
  const released = new Promise<void>((resolve) => {
    onReleased = resolve;
  });
  const thread: Thread = { worker, replies, ready: Promise.resolve(), released };
  thread.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'closed') onReleased();
      else if (message.type === 'failed') {
        replies.fail(new Error(`face detector: ${message.message}`));
        reject(replies.failure);
      } else replies.answer(message);
    });
    worker.on('error', (error) => {
      replies.fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      onReleased();
      const error = new Error(`face detector: worker thread exited (code ${code})`);
      replies.fail(error);
      reject(error);
    });
  });
  return thread;
}

/** Waits for `released`, at most RELEASE_TIMEOUT_MS (after which the caller ends it anyway). */
async function releasedWithin(released: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([released, new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_TIMEOUT_MS)))]);
  clearTimeout(timer);
}

/**
 * The FrameDetector contract around a way to run one detection (`run`, given a checked frame and the known faces as
 * plain boxes) and to end (`end`): bad frames are refused before anything is sent, close() answers every detect()
 * already accepted before `end`, and detect() after close() rejects.
 */
function frameDetector(run: (frame: RgbFrame | Yuv420Frame, known: Box[]) => Promise<FaceBox[]>, end: () => Promise<void>): FrameDetector {
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
      const known = (detectOptions.known ?? []).map(({ x, y, width, height }) => ({ x, y, width, height }));
      const result = run(frame, known);
      inFlight.add(result);
      const forget = (): void => {
        inFlight.delete(result);
      };
      result.then(forget, forget);
      return result;
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await end();
      })();
      return closing;
    },
  };
}

/** createFrameDetector's threads in a child process (frame-detector-process.ts), spoken to over IPC. */
async function createIsolatedDetector(options: Omit<FrameDetectorOptions, 'isolated'>): Promise<FrameDetector> {
  const child = fork(new URL('./frame-detector-process.ts', import.meta.url), [], {
    execArgv: workerExecArgv(process.execArgv),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies = pendingReplies();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (request: HostRequest): void => {
    child.send(request);
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(`face detector: ${message.message}`));
      else if (message.type === 'faces' || message.type === 'error') replies.answer(message);
    });
    child.on('error', (error) => {
      replies.fail(error);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      const error = new Error(`face detector: its process exited (${signal ?? `code ${code}`})`);
      replies.fail(error);
      reject(error);
    });
  });
  try {
    send({ type: 'start', options });
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return frameDetector(
    (frame, known) => {
      if (replies.failure || !child.connected) return Promise.reject(replies.failure ?? new Error('face detector: its process is gone'));
      const { id, result } = replies.add();
      const { width, height } = frame;
      send({ type: 'detect', id, frame: 'yuv' in frame ? { yuv: frame.yuv, width, height } : { rgb: frame.rgb, width, height }, known });
      return result;
    },
    // the process releases its models and exits
    async () => {
      if (child.connected) send({ type: 'close' });
      await releasedWithin(exited);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  );
}

export async function createFrameDetector(options: FrameDetectorOptions = {}): Promise<FrameDetector> {
  const minFaceSize = options.minFaceSize ?? 40;
  const threadCount = options.threads ?? 1;
  if (!(Number.isFinite(minFaceSize) && minFaceSize > 0)) throw new RangeError(`minFaceSize must be a positive number, got ${minFaceSize}`);
  if (!(Number.isInteger(threadCount) && threadCount >= 1 && threadCount <= LARGEST_THREADS)) {
    throw new RangeError(`threads must be an integer from 1 to ${LARGEST_THREADS}, got ${threadCount}`);
  }
  if (options.isolated) return createIsolatedDetector({ minFaceSize, threads: threadCount });
  const settings: WorkerSettings = { minFaceSize, minScore: MIN_SCORE, candidateScore: CANDIDATE_SCORE, iouThreshold: BLEND_IOU };
  const threads = Array.from({ length: threadCount }, () => startThread(settings));
  try {
    await Promise.all(threads.map((t) => t.ready));
  } catch (error) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw error;
  }
  return frameDetector(
    (frame, known) => {
      const alive = threads.filter((t) => !t.replies.failure);
      if (alive.length === 0) return Promise.reject(threads[0]?.replies.failure ?? new Error('face detector: no threads'));
      // the least busy thread; the frame is copied to it (the caller keeps its buffer)
      const thread = alive.reduce((a, b) => (b.replies.size < a.replies.size ? b : a));
      const { id, result } = thread.replies.add();
      const { width, height } = frame;
      const request: DetectRequest =
        'yuv' in frame
          ? { type: 'detect', id, format: 'yuv420p', pixels: frame.yuv, width, height, known }
          : { type: 'detect', id, format: 'rgb', pixels: frame.rgb, width, height, known };
      thread.worker.postMessage(request);
      return result;
    },
    // each thread releases its models, then is ended; what their malloc arenas keep goes back to the system
    () =>
      Promise.all(
        threads.map(async (t) => {
          if (!t.replies.failure) {
            t.worker.postMessage({ type: 'close' } satisfies CloseRequest);
            await releasedWithin(t.released);
          }
          await t.worker.terminate();
        }),
      ).then(() => {
        releaseFreedNativeMemory();
      }),
  );
}
