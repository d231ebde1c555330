// The blurred ladder (issue 5), in two phases over decoded frames:
//
//   1. detectFaceTracks: ffmpeg (decode, autorotate, constant rate) --y4m--> detect every N frames + track
//      => the boxes to obscure in every frame, grouped by face (so an owner can keep their own face visible);
//   2. runObscuredLadder: ffmpeg (the same decode) --y4m--> mosaic the boxes --y4m--> ffmpeg (the one HLS ladder,
//      with the upload's audio).
//
// Decoding is deterministic, so frame n of phase 2 is frame n of phase 1 (checked: a count mismatch fails the job).
// Phase 1 keeps no frames beyond the few detections in flight; phase 2 streams frame by frame. The encoder only
// ever receives obscured frames; nothing unblurred is written to disk or to the output.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '@onward/domain';
import type { Readable, Writable } from 'node:stream';
import { runFfmpeg } from '../ffmpeg-runner.ts';
import { buildLadderArgs, buildY4mDecodeArgs, type DecodedFrameSelection, expectedFaceFrames, faceFrameSize, selectedFrameIndex } from '../ladder-args.ts';
import type { LadderPlan } from '../ladder-plan.ts';
import { closeFd, type OsPipe, openOsPipe, writeFully } from '../os-pipe.ts';
import { completeEdgeFaces, createFaceTracker, type DetectedBox, type TrackedBox } from './face-tracker.ts';
import type { FrameDetector } from './frame-detector.ts';
import { edgeStrips } from './edge-mirror.ts';
import { yuvToRgbFrame } from './frame-pixels.ts';
import { type Box, mosaicYuv420 } from './obscure.ts';
import { type FaceBox, mergeBoxes } from './tiles.ts';
import { readY4mFrames, readY4mFramesFromFd, Y4M_FRAME_MARKER, type Y4mHeader, type YuvFrame, y4mHeaderBytes } from './y4m.ts';

export interface FaceDetectionOptions {
  detector: FrameDetector;
  /** Detect every N frames (the last frame always); default 5. */
  detectEvery?: number;
  /** Share of the clip looked at (0-100), as frames are read: detection is most of a blurred clip's time. */
  onProgress?: (percent: number) => void;
  /** Scale of every detector box (default 1.5). */
  enlarge?: number;
  /**
   * Also detect on mirrored strips along the four edges (default false): measured on 4 s clips it took protection of
   * the crowd clip from 95.3% to 97.9% but doubled detection time and over-blurring, and did not help the edge clip
   * (the frame detector mirror-pads the frame itself).
   */
  edges?: boolean;
}

export interface ObscureOptions {
  /** The boxes to obscure in every decoded frame (from detectFaceTracks, minus faces the owner keeps visible). */
  frames: ReadonlyArray<readonly Box[]>;
  /**
   * The size of the frames the boxes were found in (detectFaceTracks' width and height). When given, a decoder that
   * makes frames of another size fails the job before a frame is written: boxes stored while a clip waited for its
   * owner's choice must not land elsewhere on frames that a later release decodes differently.
   */
  frameSize?: { width: number; height: number };
  /** Most mosaic blocks across a face (default 8). */
  maxBlocksAcross?: number;
  /** Every frame's obscured boxes, in frame order (benchmarks, tests). */
  onFrame?: (frame: number, boxes: readonly Box[], width: number, height: number) => void;
}

/** Detection and obscuring in one call (what a clip without an owner's face choice gets). */
export interface FaceBlurOptions extends FaceDetectionOptions, Omit<ObscureOptions, 'frames'> {}

export interface FaceTrackSummary {
  trackId: number;
  /** Frames in which it is obscured. */
  frameCount: number;
  /** Where it is biggest: the frame and the (enlarged) box, for a thumbnail. */
  best: { frame: number; box: Box };
}

export interface FaceTracks {
  width: number;
  height: number;
  frameCount: number;
  detections: number;
  /** Per decoded frame, the boxes to obscure with the track each belongs to. */
  frames: TrackedBox[][];
  tracks: FaceTrackSummary[];
  /** Tracks dropped because FaceMesh never confirmed them as faces. */
  rejectedTracks: number;
}

export interface BlurredLadderRun {
  timeoutMs: number;
  signal?: AbortSignal;
  nice?: number;
  durationMs: number;
  onProgress?: (percent: number) => void;
  /** Applied to the sound once before it is encoded (voice disguise). */
  audioFilter?: string;
}

export interface BlurSummary {
  frames: number;
  width: number;
  height: number;
  detections: number;
  /** Distinct faces followed through the clip (0 when the boxes were given). */
  tracks: number;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // what it was waiting for may still fail (a write's EPIPE): not an unhandled rejection
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
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

async function write(stream: Writable, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (stream.write(data)) return;
  await abortable(once(stream, 'drain'), signal);
}

/**
 * Detects and tracks faces in decoded frames (in increasing order, indices of the decoder's frame order; each frame
 * that is a multiple of detectEvery, and the last): the boxes to obscure in every frame. Nothing is written.
 */
async function trackStream(
  decoded: (onHeader: (header: Y4mHeader) => void) => AsyncIterable<YuvFrame>,
  options: FaceDetectionOptions,
  signal: AbortSignal,
  expectedFrames: number,
): Promise<FaceTracks> {
  // validated by detectFaceTracks
  const every = options.detectEvery ?? 5;
  const enlarge = options.enlarge ?? 1.5;
  const tracker = createFaceTracker({ enlarge });
  const detections = new Map<number, Promise<DetectedBox[]>>();
  const frames: TrackedBox[][] = [];
  let header: Y4mHeader | null = null;
  let nextToAdvance = 0;
  let detectionCount = 0;
  let last: YuvFrame | null = null;

  const detect = (frame: YuvFrame) => {
    detectionCount++;
    // The decoded planes as they are (a dim room is brightened by the detector, for detection only); the strips
    // experiment needs RGB.
    const yuv = { yuv: frame.data, width: frame.width, height: frame.height };
    const strips = options.edges ? edgeStrips(yuvToRgbFrame(yuv)) : [];
    const found = Promise.all([
      options.detector.detect(yuv, { known: tracker.confirmedFaces() }),
      ...strips.map(async (strip) =>
        (await options.detector.detect(strip.frame)).flatMap((box): FaceBox[] => {
          const mapped = strip.toFrame(box);
          return mapped ? [{ ...mapped, score: box.score }] : [];
        }),
      ),
    ]).then((lists) => mergeBoxes(lists.flat(), 0.3));
    // Awaited later; a rejection before then must not count as unhandled.
    found.catch(() => {});
    detections.set(frame.index, found);
  };

  const advance = async (d: number) => {
    const found = detections.get(d);
    if (!found) throw new Error(`no detection was started for frame ${d}`);
    frames.push(...tracker.advance(d, await abortable(found, signal)));
    detections.delete(d);
  };

  for await (const frame of decoded((h) => {
    header = h;
    tracker.setFrameSize(h.width, h.height);
  })) {
    last = frame;
    if (options.onProgress && expectedFrames > 0) options.onProgress(Math.min(99, (100 * (frame.index + 1)) / expectedFrames));
    if (frame.index % every === 0) detect(frame);
    // One interval of lookahead keeps a detection running while the next frames are decoded; at most a few
    // detections (and their frames) are in flight. Two or three intervals (or three detector threads) were
    // measured no faster on the crowd clip, with the same boxes.
    while (frame.index >= nextToAdvance + every) {
      await advance(nextToAdvance);
      nextToAdvance += every;
    }
  }
  const final = last as YuvFrame | null;
  if (!header || !final) throw new Error('blur stream: the decoder produced no frames');
  const { width, height } = header;
  // The last frame is always a detection.
  if (final.index % every !== 0) detect(final);
  for (let d = nextToAdvance; d <= final.index; d += every) await advance(d);
  if (final.index % every !== 0) await advance(final.index);
  frames.push(...tracker.finish());
  if (frames.length !== final.index + 1) throw new Error(`blur stream: ${frames.length} frames of boxes for ${final.index + 1} frames`);
  // What FaceMesh checked and never confirmed is not a face: none of its boxes is obscured, nor offered to the owner.
  const rejected = tracker.rejected();
  if (rejected.size > 0) {
    for (const [i, boxes] of frames.entries()) frames[i] = boxes.filter((b) => !rejected.has(b.trackId));
  }
  completeEdgeFaces(frames, width, height, enlarge, (id) => tracker.sightings(id));

  const tracks = new Map<number, FaceTrackSummary>();
  frames.forEach((boxes, frame) => {
    for (const { trackId, ...box } of boxes) {
      const known = tracks.get(trackId);
      if (!known) tracks.set(trackId, { trackId, frameCount: 1, best: { frame, box } });
      else {
        known.frameCount++;
        if (box.width * box.height > known.best.box.width * known.best.box.height) known.best = { frame, box };
      }
    }
  });
  return { width, height, frameCount: frames.length, detections: detectionCount, frames, tracks: [...tracks.values()], rejectedTracks: rejected.size };
}

/** Boxes found in frames of one size are never applied to frames of another. */
function checkFrameSize(found: ObscureOptions['frameSize'], decoded: { width: number; height: number }): void {
  if (found && (found.width !== decoded.width || found.height !== decoded.height)) {
    throw new Error(`blur stream: the faces were found in ${found.width}x${found.height} frames, the decoder makes ${decoded.width}x${decoded.height}`);
  }
}

/** Where obscured frames go: the encoder's stdin, as a stream or a pipe's end. */
type FrameSink = (data: Uint8Array) => Promise<void>;

/** Reads decoded frames, mosaics the given boxes, writes them on. Resolves when the last frame is written. */
async function obscureFrames(
  decoded: (onHeader: (header: Y4mHeader) => void) => AsyncIterable<YuvFrame>,
  sink: FrameSink,
  options: ObscureOptions,
  signal: AbortSignal,
) {
  const mosaic = { maxBlocksAcross: options.maxBlocksAcross ?? 8 };
  let header: Y4mHeader | null = null;
  let headerWritten: Promise<void> = Promise.resolve();
  let written = 0;
  for await (const frame of decoded((h) => {
    header = h;
    checkFrameSize(options.frameSize, h);
    headerWritten = sink(y4mHeaderBytes(h));
    // awaited with the first frame; if the encoder dies (or the job is aborted) before one comes, the failure is
    // reported by the encoder's own promise, and this one must not be left as an unhandled rejection
    headerWritten.catch(() => {});
  })) {
    if (signal.aborted) throw signal.reason;
    if (written === 0) await headerWritten;
    const boxes = options.frames[frame.index];
    // Decoding is deterministic, so this never happens; if it did, publishing a frame nobody checked is not an option.
    if (!boxes) throw new Error(`blur stream: no boxes for frame ${frame.index} (the clip decoded differently)`);
    mosaicYuv420(frame.data, frame.width, frame.height, boxes, mosaic);
    options.onFrame?.(frame.index, boxes, frame.width, frame.height);
    await sink(Y4M_FRAME_MARKER);
    await sink(frame.data);
    written++;
  }
  const h = header as Y4mHeader | null;
  if (!h || written === 0) throw new Error('blur stream: the decoder produced no frames');
  if (written !== options.frames.length) throw new Error(`blur stream: ${written} frames decoded, ${options.frames.length} expected`);
  return { frames: written, width: h.width, height: h.height };
}

/** Links an outer abort signal to a fresh controller that also stops when any stage fails. */
function stopper(outer: AbortSignal | undefined) {
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(outer?.reason ?? new Error('aborted'));
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  return { stop, release: () => outer?.removeEventListener('abort', onOuterAbort) };
}

/**
 * Frames the detection decoder passes on: only those detected (every N), plus the last second or so, which holds the
 * clip's last frame. The frames in between are decoded but never cross the pipe (4/5 of ~1.4 GB for a 15 s
 * 1080x1920 clip).
 */
export function detectionSelection(plan: LadderPlan, every: number): { every: number; tailFrom: number } {
  const expected = expectedFaceFrames(plan);
  const second = Math.ceil(expected / Math.max(1, plan.durationMs / 1000));
  return { every, tailFrom: expected - Math.max(2 * every, second) };
}

/** Decodes the upload and finds every face in every frame (phase 1; no encoding). */
export async function detectFaceTracks(
  plan: LadderPlan,
  inputPath: string,
  run: Omit<BlurredLadderRun, 'durationMs' | 'onProgress'>,
  options: FaceDetectionOptions,
): Promise<FaceTracks> {
  const every = options.detectEvery ?? 5;
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`detectEvery must be a positive integer, got ${every}`);
  const selection = detectionSelection(plan, every);
  const { stop, release } = stopper(run.signal);
  const decoders: Array<Promise<unknown>> = [];
  const outputs: Readable[] = [];
  /** A decoder for the selected frames; whichever fails stops the others and the tracking. */
  const decode = (chosen: DecodedFrameSelection): Readable => {
    let output: Readable | null = null;
    const done = runFfmpeg(buildY4mDecodeArgs(plan, inputPath, chosen), {
      timeoutMs: run.timeoutMs,
      signal: stop.signal,
      ...(run.nice !== undefined ? { nice: run.nice } : {}),
      rawStdout: true,
      onSpawn: (child) => {
        output = child.stdout;
      },
    }).catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
    done.catch(() => {});
    decoders.push(done);
    if (!output) throw stop.signal.reason ?? new Error('ffmpeg did not start');
    outputs.push(output);
    return output;
  };
  async function* frames(onHeader: (header: Y4mHeader) => void): AsyncGenerator<YuvFrame> {
    let last = -1;
    for await (const frame of readY4mFrames(decode(selection), onHeader)) {
      last = selectedFrameIndex(selection, frame.index);
      yield { ...frame, index: last };
    }
    await decoders[0];
    if (last < 0 || last >= selection.tailFrom) return;
    // The clip ended before the tail (shorter than its stated duration): its last frame may be one select dropped.
    // A second decode passes on every frame from the last one seen (which it repeats, so it is never empty).
    const rest = { from: last };
    for await (const frame of readY4mFrames(decode(rest), () => {})) {
      const index = selectedFrameIndex(rest, frame.index);
      if (index > last) yield { ...frame, index };
    }
    await decoders[1];
  }
  try {
    let tracks: FaceTracks;
    try {
      tracks = await trackStream(frames, options, stop.signal, expectedFaceFrames(plan));
    } catch (error) {
      stop.abort(error);
      for (const output of outputs) output.destroy();
      throw error;
    }
    await Promise.all(decoders);
    options.onProgress?.(100);
    return tracks;
  } catch (error) {
    await Promise.allSettled(decoders);
    throw stop.signal.aborted && stop.signal.reason instanceof Error ? stop.signal.reason : error;
  } finally {
    release();
  }
}

/** Both pipes of phase 2 (decoder -> us -> encoder), or null where the system cannot make them (os-pipe.ts). */
function openPhase2Pipes(): { fromDecoder: OsPipe; toEncoder: OsPipe } | null {
  const fromDecoder = openOsPipe();
  if (!fromDecoder) return null;
  try {
    // the first pipe was made, so the system can make them: this one is made or throws
    return { fromDecoder, toEncoder: openOsPipe() as OsPipe };
  } catch (error) {
    void closeFd(fromDecoder.readFd);
    void closeFd(fromDecoder.writeFd);
    throw error;
  }
}

/**
 * Phase 2: decoder, obscuring and ladder encoder together; any failure stops all three and is rethrown. The
 * encoder only ever receives obscured frames. The frames travel through kernel pipes with a 1 MB buffer, a whole
 * frame per read and write (os-pipe.ts); where those cannot be made, or with `transport: 'stdio'`, through the
 * children's stdio streams.
 */
export async function runObscuredLadder(
  plan: LadderPlan,
  inputPath: string,
  outDir: string,
  run: BlurredLadderRun & { transport?: 'pipes' | 'stdio' },
  obscure: ObscureOptions,
): Promise<{ frames: number; width: number; height: number }> {
  // Known before anything starts (the decode's size follows from the plan); the decoder's header is checked too.
  checkFrameSize(obscure.frameSize, faceFrameSize(plan));
  const { stop, release } = stopper(run.signal);
  const pipes = run.transport === 'stdio' ? null : openPhase2Pipes();

  let encoderInput: Writable | null = null;
  let decoderOutput: Readable | null = null;
  const common = { timeoutMs: run.timeoutMs, signal: stop.signal, ...(run.nice !== undefined ? { nice: run.nice } : {}) };
  const encoder = runFfmpeg(buildLadderArgs(plan, inputPath, outDir, {
      videoFromStdin: true,
      ...(run.audioFilter ? { audioFilter: run.audioFilter } : {}),
    }), {
    ...common,
    durationMs: run.durationMs,
    ...(pipes ? { stdinFd: pipes.toEncoder.readFd } : { stdinPipe: true }),
    onSpawn: (child) => {
      encoderInput = child.stdin;
    },
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  const decoder = runFfmpeg(buildY4mDecodeArgs(plan, inputPath), {
    ...common,
    ...(pipes ? { stdoutFd: pipes.fromDecoder.writeFd } : { rawStdout: true }),
    onSpawn: (child) => {
      decoderOutput = child.stdout;
    },
  });
  // The children have their ends now (or were never started): ours must go, or neither side would see the other end.
  if (pipes) await Promise.all([closeFd(pipes.toEncoder.readFd), closeFd(pipes.fromDecoder.writeFd)]);
  // Whichever ffmpeg fails first stops the other and the obscuring loop.
  const failFast = (error: unknown) => {
    stop.abort(error);
    throw error;
  };
  const encoderDone = encoder.catch(failFast);
  const decoderDone = decoder.catch(failFast);
  encoderDone.catch(() => {});
  decoderDone.catch(() => {});
  // Our ends of the pipes, closed once no read or write on them is in flight: after the loop (which awaits each).
  let ours = pipes ? [pipes.fromDecoder.readFd, pipes.toEncoder.writeFd] : [];
  const closeOurs = async () => {
    const closing = ours;
    ours = [];
    await Promise.all(closing.map(closeFd));
  };
  try {
    let summary: { frames: number; width: number; height: number };
    try {
      if (pipes) {
        const { fromDecoder, toEncoder } = pipes;
        summary = await obscureFrames((onHeader) => readY4mFramesFromFd(fromDecoder.readFd, onHeader), (data) => writeFully(toEncoder.writeFd, data), obscure, stop.signal);
      } else {
        if (!encoderInput || !decoderOutput) throw stop.signal.reason ?? new Error('ffmpeg did not start');
        const output: Writable = encoderInput;
        summary = await obscureFrames((onHeader) => readY4mFrames(decoderOutput as Readable, onHeader), (data) => write(output, data, stop.signal), obscure, stop.signal);
      }
    } catch (error) {
      // A write to an encoder that died says only EPIPE; its own failure (its exit, which follows at once) is the
      // cause to report, so it may end by itself before it is stopped.
      if ((error as NodeJS.ErrnoException | null)?.code === 'EPIPE') {
        await Promise.race([encoder.catch(() => {}), delay(2000, undefined, { ref: false })]);
      }
      stop.abort(error);
      // A decoder blocked writing to us would otherwise wait for SIGKILL: with our end gone it fails at once.
      if (pipes) await closeOurs();
      else (decoderOutput as Readable | null)?.destroy();
      throw error;
    }
    // The decoder must have ended cleanly, or the encoder would publish a clip cut short.
    await decoderDone;
    if (pipes) await closeOurs();
    else (encoderInput as Writable | null)?.end();
    await encoderDone;
    return summary;
  } catch (error) {
    // Prefer the first cause: an ffmpeg that failed by itself (our write to a dead encoder only says EPIPE), then
    // whatever stopped the others (the job's abort, the obscuring loop's error).
    const settled = await Promise.allSettled([encoder, decoder]);
    const failed = settled.find((r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.code !== 'ffmpeg_aborted');
    if (failed?.status === 'rejected') throw failed.reason;
    throw stop.signal.aborted && stop.signal.reason instanceof Error ? stop.signal.reason : error;
  } finally {
    await closeOurs();
    release();
  }
}

/** Both phases, every face obscured: detection, then the obscured ladder. */
export async function runBlurredLadder(
  plan: LadderPlan,
  inputPath: string,
  outDir: string,
  run: BlurredLadderRun,
  blur: FaceBlurOptions,
): Promise<BlurSummary> {
  const found = await detectFaceTracks(plan, inputPath, run, blur);
  const written = await runObscuredLadder(plan, inputPath, outDir, run, {
    frames: found.frames,
    ...(blur.maxBlocksAcross !== undefined ? { maxBlocksAcross: blur.maxBlocksAcross } : {}),
    ...(blur.onFrame ? { onFrame: blur.onFrame } : {}),
  });
  return { ...written, detections: found.detections, tracks: found.tracks.length };
}
