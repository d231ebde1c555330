// buildLadderArgs: pure. One ffmpeg process decodes the upload once, scales a cascade of rungs, encodes each with
// x264 + AAC and writes fMP4 HLS with keyframes aligned every SEGMENT_SECONDS across all rungs.
//
// Output layout (outDir): {name}/index.m3u8, {name}/init_{name}.mp4, {name}/seg_00000.m4s ... for name = v1080,
// v720, v480, v360 (the short side). Audio is muxed into every variant, so there is no audio-only variant;
// master.m3u8 is not written by ffmpeg but by writeMasterPlaylist once the segments exist.
import { availableParallelism } from 'node:os';
import { hardenedInputArgs, STRIP_METADATA_ARGS, singleJpegOutputArgs } from './input-args.ts';
import type { LadderPlan, LadderRung } from './ladder-plan.ts';
import type { Rational } from './media-probe.ts';

function rate(r: Rational): string {
  return r.den === 1 ? String(r.num) : `${r.num}/${r.den}`;
}

function kbps(bits: number): string {
  return `${Math.round(bits / 1000)}k`;
}

/** Scale cascade: each rung is scaled from the one above it (no slower than from the source, and less work). */
export function buildLadderFilterGraph(rungs: readonly LadderRung[]): string {
  const parts: string[] = [];
  rungs.forEach((rung, i) => {
    const input = i === 0 ? '[0:v:0]' : `[cascade${i}]`;
    const scale = `scale=w=${rung.width}:h=${rung.height}:flags=bicubic,setsar=1,format=yuv420p`;
    const last = i === rungs.length - 1;
    const branch = rung.fpsFilter ? `[pre${i}]` : `[v${i}]`;
    parts.push(last ? `${input}${scale}${branch}` : `${input}${scale},split=2${branch}[cascade${i + 1}]`);
    if (rung.fpsFilter) parts.push(`[pre${i}]fps=${rate(rung.fpsFilter)}[v${i}]`);
  });
  return parts.join(';');
}

export interface LadderInputOptions {
  /**
   * Take the pictures from a y4m stream on stdin (frames already decoded and changed, e.g. faces obscured) and
   * only the sound from the upload; the upload's own video stream is then never decoded by the encoder.
   */
  videoFromStdin?: boolean;
  /** An audio filter chain applied once to the sound before it is encoded for every rung (voice disguise). */
  audioFilter?: string;
  /** CPU cores the encoders share (default: this machine's); see encoderThreads. */
  cores?: number;
}

/**
 * Threads for each rung's x264. Left to itself each of the rungs' encoders takes 1.5 threads per core, as if it had
 * the machine alone; together they then hold four times the frames in flight. Sharing x264's own total among the
 * rungs (at least 2 each) is as fast on this 2-core VM (3 alternating pairs, plain ladder and obscured ladder), gives
 * the same bytes and SSIM per rung, and the encoder peaks ~38 MB lower (530 -> 492 MB; docs/benchmarks.md).
 */
export function encoderThreads(cores: number, rungs: number): number {
  if (!(Number.isInteger(cores) && cores >= 1 && Number.isInteger(rungs) && rungs >= 1)) throw new RangeError(`bad cores/rungs ${cores}/${rungs}`);
  const own = Math.max(1, Math.floor((cores * 3) / 2));
  return Math.min(own, Math.max(2, Math.ceil(own / rungs)));
}

/** Largest side of the frames faces are found and obscured in: 1080p, the largest rung. */
const FACE_FRAME_MAX_SIDE = 1920;

function topRung(plan: LadderPlan) {
  const top = plan.rungs[0];
  if (!top) throw new Error('A ladder plan always has at least one rung');
  return top;
}

/**
 * The size of the frames faces are found and obscured in: the upload's display size up to 1080p; above, the top
 * rung's (nothing published is larger, and a 4K upload's 12 MB frames, 25 MB as RGB for the detector, took a job
 * past 1.5 GB).
 */
export function faceFrameSize(plan: LadderPlan): { width: number; height: number } {
  const top = topRung(plan);
  const { displayWidth: width, displayHeight: height } = plan.source;
  return Math.max(width, height) <= FACE_FRAME_MAX_SIDE ? { width, height } : { width: top.width, height: top.height };
}

/*
 * How the upload's pictures are decoded for face work: constant frames at the top rung's rate (y4m has no
 * timestamps), at faceFrameSize (the display size up to 1080p) with square pixels. Frame n and its coordinates
 * mean the same in every command that uses it (detection, obscuring, face thumbnails): each runs faceFrameRate,
 * then (after any frame selection) faceFrameScale.
 */

/** The face frames' first step: once it has run, frame n is frame n of every face command. */
function faceFrameRate(plan: LadderPlan): string {
  return `fps=${rate(topRung(plan).frameRate)}`;
}

/**
 * The face frames' second step, per frame: commands that keep only some frames select them before it, so a 4K
 * upload's frames that are dropped anyway are never scaled (the same pictures: a 6 s 2160x3840 clip's detection
 * frames were byte for byte equal, and 2.0 instead of 2.6 CPU-s).
 */
function faceFrameScale(plan: LadderPlan): string {
  const { width, height } = faceFrameSize(plan);
  return `scale=w=${width}:h=${height}:flags=bicubic,setsar=1`;
}

/** About how many face frames there are in the clip (its duration at the top rung's rate), for progress. */
export function expectedFaceFrames(plan: LadderPlan): number {
  const { num, den } = topRung(plan).frameRate;
  return Math.round((plan.durationMs / 1000) * (num / den));
}

/**
 * Which frames the detection decoder passes on (the others are decoded, as they must be, but never leave ffmpeg):
 * every `every`-th frame, and every frame from `tailFrom` on, so that the clip's last frame (always a detection)
 * arrives whatever the clip's exact length; or every frame from `from` on (the rest of a clip that ended early).
 */
export type DecodedFrameSelection = { every: number; tailFrom: number } | { from: number };

/** The index (in the decoder's frame order) of the k-th frame a selection passes on. */
export function selectedFrameIndex(selection: DecodedFrameSelection, k: number): number {
  if ('from' in selection) return selection.from + k;
  const { every, tailFrom } = selection;
  const before = Math.max(0, Math.ceil(tailFrom / every));
  return k < before ? k * every : Math.max(0, tailFrom) + (k - before);
}

function selectFilter(selection: DecodedFrameSelection): string {
  if ('from' in selection) {
    if (!(Number.isInteger(selection.from) && selection.from >= 0)) throw new RangeError(`bad frame selection ${JSON.stringify(selection)}`);
    return `select='gte(n\\,${selection.from})'`;
  }
  if (!(Number.isInteger(selection.every) && selection.every >= 1 && Number.isInteger(selection.tailFrom))) {
    throw new RangeError(`bad frame selection ${JSON.stringify(selection)}`);
  }
  return `select='not(mod(n\\,${selection.every}))+gte(n\\,${selection.tailFrom})'`;
}

/**
 * The decoder half of a blurred ladder: the upload's video as autorotated yuv420p y4m on stdout; with a selection,
 * only those frames (y4m has no timestamps: frame k is selectedFrameIndex(selection, k)).
 */
export function buildY4mDecodeArgs(plan: LadderPlan, inputPath: string, selection?: DecodedFrameSelection): string[] {
  const select = selection ? `,${selectFilter(selection)}` : '';
  return [
    '-hide_banner',
    '-v',
    'error',
    // The full decode feeds the ladder encoder, which needs the cores: two decoder threads and one filter thread
    // (instead of one of each per core) made the obscured ladder 0.6-1.3 s faster on the 15 s crowd clip, in every
    // paired run (docs/benchmarks.md). The selective decode of detection stays as it is (no measured difference).
    ...(selection ? [] : ['-threads', '2', '-filter_threads', '1']),
    ...hardenedInputArgs(plan.source, inputPath),
    '-map',
    '0:v:0',
    '-vf',
    `${faceFrameRate(plan)}${select},${faceFrameScale(plan)},format=yuv420p`,
    // the frames select drops are dropped, never replaced by copies to keep the rate
    ...(selection ? ['-fps_mode', 'passthrough'] : []),
    '-f',
    'yuv4mpegpipe',
    '-strict',
    '-1',
    'pipe:1',
  ];
}

export function buildLadderArgs(plan: LadderPlan, inputPath: string, outDir: string, input: LadderInputOptions = {}): string[] {
  const { rungs, audio } = plan;
  const args = ['-hide_banner', '-v', 'error', '-y'];
  if (input.videoFromStdin) {
    args.push('-f', 'yuv4mpegpipe', '-i', 'pipe:0');
    if (audio) args.push(...hardenedInputArgs(plan.source, inputPath));
  } else {
    args.push(...hardenedInputArgs(plan.source, inputPath));
  }
  const audioInput = input.videoFromStdin ? '1:a:0' : '0:a:0';
  let graph = buildLadderFilterGraph(rungs);
  const filtered = audio && input.audioFilter;
  if (filtered) {
    // Converted to the ladder's rate and layout first (a 5.1 source costs no more), filtered once, then split:
    // a graph output can be mapped only once.
    const outs = rungs.map((_, i) => `[a${i}]`).join('');
    graph += `;[${audioInput}]aresample=${audio.sampleRate},aformat=channel_layouts=stereo,${input.audioFilter},asplit=${rungs.length}${outs}`;
  }
  args.push('-filter_complex', graph);
  rungs.forEach((_, i) => {
    args.push('-map', `[v${i}]`);
    if (audio) args.push('-map', filtered ? `[a${i}]` : audioInput);
  });
  args.push('-c:v', 'libx264', '-profile:v', 'high', '-sc_threshold', '0');
  args.push('-threads:v', String(encoderThreads(input.cores ?? availableParallelism(), rungs.length)));
  // Time-based keyframes land on the same instants in every rung whatever its frame rate.
  args.push('-force_key_frames:v', `expr:gte(t,n_forced*${plan.segmentSeconds})`);
  rungs.forEach((rung, i) => {
    const v = `v:${i}`;
    args.push(
      `-preset:${v}`,
      rung.preset,
      `-crf:${v}`,
      String(rung.crf),
      `-maxrate:${v}`,
      kbps(rung.maxrate),
      `-bufsize:${v}`,
      kbps(rung.bufsize),
      `-level:${v}`,
      rung.level,
      `-g:${v}`,
      String(rung.gopFrames),
      `-keyint_min:${v}`,
      String(rung.gopFrames),
    );
    if (rung.x264Params) args.push(`-x264-params:${v}`, rung.x264Params);
  });
  if (audio) {
    args.push('-c:a', 'aac', '-ac', String(audio.channels), '-ar', String(audio.sampleRate));
    rungs.forEach((rung, i) => {
      args.push(`-b:a:${i}`, kbps(rung.audioBitrate ?? 96_000));
    });
  }
  args.push(...STRIP_METADATA_ARGS);
  const variants = rungs.map((rung, i) => `v:${i},${audio ? `a:${i},` : ''}name:${rung.name}`).join(' ');
  args.push(
    '-f',
    'hls',
    '-hls_time',
    String(plan.segmentSeconds),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    '-hls_flags',
    'independent_segments',
    '-hls_fmp4_init_filename',
    // ffmpeg only expands %v when there are several variants.
    rungs.length > 1 ? 'init_%v.mp4' : `init_${rungs[0]?.name ?? 'v0'}.mp4`,
    '-hls_segment_filename',
    `${outDir}/%v/seg_%05d.m4s`,
    '-var_stream_map',
    variants,
    '-progress',
    'pipe:1',
    '-nostats',
    `${outDir}/%v/index.m3u8`,
  );
  return args;
}

export interface FaceThumbnailRequest {
  frame: number;
  box: { x: number; y: number; width: number; height: number };
  outPath: string;
}

/**
 * Thumbnails of faces for their owner, all from one decode: each is frame `frame` decoded as for detection, cropped
 * to its box, at most 256 px wide, JPEG.
 */
export function faceThumbnailsArgs(plan: LadderPlan, inputPath: string, requests: readonly FaceThumbnailRequest[]): string[] {
  if (requests.length === 0) throw new RangeError('no thumbnails requested');
  const { width: W, height: H } = faceFrameSize(plan);
  const scale = faceFrameScale(plan);
  const labels = requests.map((_, i) => `[s${i}]`).join('');
  const branches = requests.map(({ frame, box }, i) => {
    const x = Math.min(W - 2, Math.max(0, Math.floor(box.x)));
    const y = Math.min(H - 2, Math.max(0, Math.floor(box.y)));
    const w = Math.max(2, Math.min(W - x, Math.ceil(box.x + box.width) - x));
    const h = Math.max(2, Math.min(H - y, Math.ceil(box.y + box.height) - y));
    return `[s${i}]select=eq(n\\,${frame}),${scale},crop=${w}:${h}:${x}:${y},scale=w='min(256,iw)':h=-2,format=yuvj420p[t${i}]`;
  });
  // each branch scales only its own frame
  const graph = `[0:v:0]${faceFrameRate(plan)},split=${requests.length}${labels};${branches.join(';')}`;
  const args = ['-hide_banner', '-v', 'error', '-y', ...hardenedInputArgs(plan.source, inputPath), '-filter_complex', graph];
  requests.forEach(({ outPath }, i) => {
    args.push('-map', `[t${i}]`, ...singleJpegOutputArgs(outPath, 3));
  });
  return args;
}
