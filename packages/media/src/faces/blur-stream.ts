// The blurred ladder: decode -> detect/track/obscure -> the same single ladder encode (issue 5).
//
//   ffmpeg (decode, autorotate, constant rate) --y4m--> this process --y4m--> ffmpeg (the HLS ladder + upload's audio)
//
// Frames are held back until the tracker is done with them: a box between two detections is interpolated, and a
// face first seen at a detection is extended back over the two intervals before it. With detection every N frames
// at most about 3N+1 decoded frames are in memory (1080x1920, N=5: about 50 MB), and the next detection runs while
// earlier frames are obscured and written. The encoder only ever receives
// obscured frames; nothing unblurred is written to disk or to the output.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { runFfmpeg } from '../ffmpeg-runner.ts';
import { buildLadderArgs, buildY4mDecodeArgs } from '../ladder-args.ts';
import type { LadderPlan } from '../ladder-plan.ts';
import { createFaceTracker, type TrackedBox } from './face-tracker.ts';
import type { FrameDetector } from './frame-detector.ts';
import { type Box, mosaicYuv420, yuv420ToRgb } from './obscure.ts';
import { readY4mFrames, Y4M_FRAME_MARKER, type Y4mHeader, type YuvFrame, y4mHeaderBytes } from './y4m.ts';

export interface FaceBlurOptions {
  detector: FrameDetector;
  /** Detect every N frames (the last frame always); default 5. */
  detectEvery?: number;
  /** Scale of every detector box (default 1.5). */
  enlarge?: number;
  /** Most mosaic blocks across a face (default 8). */
  maxBlocksAcross?: number;
  /** Every frame's obscured boxes, in frame order (benchmarks, face thumbnails). */
  onFrame?: (frame: number, boxes: readonly TrackedBox[], width: number, height: number) => void;
}

export interface BlurredLadderRun {
  timeoutMs: number;
  signal?: AbortSignal;
  nice?: number;
  durationMs: number;
  onProgress?: (percent: number) => void;
}

export interface BlurSummary {
  frames: number;
  width: number;
  height: number;
  detections: number;
  /** Distinct faces followed through the clip. */
  tracks: number;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function write(stream: Writable, data: Buffer, signal: AbortSignal): Promise<void> {
  if (stream.write(data)) return;
  await abortable(once(stream, 'drain'), signal);
}

/** Reads decoded frames, obscures every tracked face, writes them on. Resolves when the last frame is written. */
async function obscureStream(input: Readable, output: Writable, blur: FaceBlurOptions, signal: AbortSignal): Promise<BlurSummary> {
  const every = blur.detectEvery ?? 5;
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`detectEvery must be a positive integer, got ${every}`);
  const tracker = createFaceTracker({ enlarge: blur.enlarge ?? 1.5 });
  const mosaic = { maxBlocksAcross: blur.maxBlocksAcross ?? 8 };
  const pending: YuvFrame[] = [];
  const detections = new Map<number, Promise<Box[]>>();
  const trackIds = new Set<number>();
  let header: Y4mHeader | null = null;
  let headerWritten: Promise<void> = Promise.resolve();
  let nextToAdvance = 0;
  let detectionCount = 0;
  let written = 0;

  const detect = (frame: YuvFrame) => {
    detectionCount++;
    const rgb = yuv420ToRgb(frame.data, frame.width, frame.height);
    const found = blur.detector.detect({ rgb, width: frame.width, height: frame.height });
    // Awaited later; a rejection before then must not count as unhandled.
    found.catch(() => {});
    detections.set(frame.index, found);
  };

  const emit = async (frame: YuvFrame, boxes: readonly TrackedBox[]) => {
    for (const box of boxes) trackIds.add(box.trackId);
    mosaicYuv420(frame.data, frame.width, frame.height, boxes, mosaic);
    blur.onFrame?.(frame.index, boxes, frame.width, frame.height);
    await write(output, Y4M_FRAME_MARKER, signal);
    await write(output, frame.data, signal);
    written++;
  };

  const emitOldest = async (perFrame: TrackedBox[][]) => {
    for (const boxes of perFrame) {
      const frame = pending.shift();
      if (!frame) throw new Error('blur stream: frame bookkeeping went wrong');
      await emit(frame, boxes);
    }
  };

  /** The detection of frame d is known: the tracker releases the frames it no longer needs to amend. */
  const advance = async (d: number) => {
    const found = detections.get(d);
    if (!found) throw new Error(`no detection was started for frame ${d}`);
    const released = tracker.advance(d, await abortable(found, signal));
    detections.delete(d);
    await emitOldest(released);
  };

  for await (const frame of readY4mFrames(input, (h) => {
    header = h;
    tracker.setFrameSize(h.width, h.height);
    headerWritten = write(output, y4mHeaderBytes(h), signal);
  })) {
    if (written === 0) await headerWritten;
    pending.push(frame);
    if (frame.index % every === 0) detect(frame);
    // Keep one interval of lookahead: detection d is used once frame d + every is here, so the next detection
    // runs while this interval is obscured and written.
    while (frame.index >= nextToAdvance + every) {
      await advance(nextToAdvance);
      nextToAdvance += every;
    }
  }
  const last = pending.at(-1);
  if (!header || !last) throw new Error('blur stream: the decoder produced no frames');
  const { width, height } = header;
  if (!detections.has(last.index) && last.index % every !== 0) detect(last);
  for (let d = nextToAdvance; d < last.index; d += every) await advance(d);
  await advance(last.index);
  // What the tracker still held back, then the last frame itself (every face alive at its detection).
  await emitOldest(tracker.finish());
  if (pending.length > 0) throw new Error('blur stream: frame bookkeeping went wrong at the end');
  return { frames: written, width, height, detections: detectionCount, tracks: trackIds.size };
}

/** Runs decoder, obscuring and ladder encoder together; any failure stops all three and is rethrown. */
export async function runBlurredLadder(
  plan: LadderPlan,
  inputPath: string,
  outDir: string,
  run: BlurredLadderRun,
  blur: FaceBlurOptions,
): Promise<BlurSummary> {
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(run.signal?.reason ?? new Error('aborted'));
  if (run.signal?.aborted) onOuterAbort();
  run.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let encoderInput: Writable | null = null;
  let decoderOutput: Readable | null = null;
  const common = { timeoutMs: run.timeoutMs, signal: stop.signal, ...(run.nice !== undefined ? { nice: run.nice } : {}) };
  const encoder = runFfmpeg(buildLadderArgs(plan, inputPath, outDir, { videoFromStdin: true }), {
    ...common,
    durationMs: run.durationMs,
    stdinPipe: true,
    onSpawn: (child) => {
      encoderInput = child.stdin;
    },
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  const decoder = runFfmpeg(buildY4mDecodeArgs(plan, inputPath), {
    ...common,
    rawStdout: true,
    onSpawn: (child) => {
      decoderOutput = child.stdout;
    },
  });
  // Whichever ffmpeg fails first stops the other and the obscuring loop.
  const failFast = (error: unknown) => {
    stop.abort(error);
    throw error;
  };
  const encoderDone = encoder.catch(failFast);
  const decoderDone = decoder.catch(failFast);
  encoderDone.catch(() => {});
  decoderDone.catch(() => {});
  try {
    if (!encoderInput || !decoderOutput) throw stop.signal.reason ?? new Error('ffmpeg did not start');
    const input: Readable = decoderOutput;
    const output: Writable = encoderInput;
    let summary: BlurSummary;
    try {
      summary = await obscureStream(input, output, blur, stop.signal);
    } catch (error) {
      stop.abort(error);
      input.destroy();
      throw error;
    }
    // The decoder must have ended cleanly, or the encoder would publish a clip cut short.
    await decoderDone;
    output.end();
    await encoderDone;
    return summary;
  } catch (error) {
    // Prefer the first cause (an ffmpeg failure) over the abort it triggered elsewhere.
    await Promise.allSettled([encoderDone, decoderDone]);
    throw stop.signal.aborted && stop.signal.reason instanceof Error ? stop.signal.reason : error;
  } finally {
    run.signal?.removeEventListener('abort', onOuterAbort);
  }
}
