// Writes synthetic clips with KNOWN face boxes per frame (issue 5's yardstick): frames painted in JS from the shared
// still images and piped as raw RGB into one ffmpeg (x264 + AAC); returns the ground truth in display pixels.
import { spawn } from 'node:child_process';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { composeFrame, loadAssets } from './compose.ts';
import { type ScenePlan, planScene, truthOf } from './scenarios.ts';
import { FACE_SCENARIOS, type FaceClipTruth, type FaceScenario } from './truth.ts';

export type { FaceClipTruth, FaceScenario, Rect, TruthBox } from './truth.ts';

export interface FaceClipOptions {
  scenario: FaceScenario;
  outPath: string;
  /** Display size, default 1080 x 1920 (portrait); a 'rotated' clip is stored height x width with a 90-degree tag. */
  width?: number;
  height?: number;
  fps?: number;
  /** Default 15. */
  seconds?: number;
  seed?: number;
}

interface Settings {
  scenario: FaceScenario;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  seed: number;
}

function settingsOf(o: Omit<FaceClipOptions, 'outPath'>): Settings {
  if (!FACE_SCENARIOS.includes(o.scenario)) throw new RangeError(`unknown scenario "${String(o.scenario)}" (${FACE_SCENARIOS.join(', ')})`);
  const width = o.width ?? 1080;
  const height = o.height ?? 1920;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    // yuv420p needs even sizes; the sprites need room
    if (!Number.isInteger(v) || v % 2 !== 0 || v < 64 || v > 4096) throw new RangeError(`${name} must be an even whole number from 64 to 4096`);
  }
  const fps = o.fps ?? 30;
  if (!(Number.isFinite(fps) && fps >= 1 && fps <= 120)) throw new RangeError('fps must be from 1 to 120');
  const seconds = o.seconds ?? 15;
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= 180)) throw new RangeError('seconds must be more than 0 and at most 180');
  const frameCount = Math.round(seconds * fps);
  if (frameCount < 1) throw new RangeError('the clip must have at least one frame');
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be a whole number');
  return { scenario: o.scenario, width, height, fps, frameCount, seed };
}

/** What a clip will show, without rendering it (deterministic for the options). */
export function planFaceClip(o: Omit<FaceClipOptions, 'outPath'>): ScenePlan {
  return planScene(settingsOf(o));
}

/** ffmpeg arguments: raw RGB frames on stdin plus a quiet pink-noise track, x264 veryfast CRF 18 (one thread), AAC. */
export function encodeArgs(plan: ScenePlan, outPath: string): string[] {
  const seconds = plan.frameCount / plan.fps;
  return [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${plan.width}x${plan.height}`,
    '-framerate',
    String(plan.fps),
    '-i',
    'pipe:0',
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:amplitude=0.03:sample_rate=48000:seed=${plan.seed}:duration=${seconds}`,
    '-map',
    '0:v',
    '-map',
    '1:a',
    // a phone stores its sideways picture turned back; the display tag (added by remuxing) turns it upright again
    ...(plan.scenario === 'rotated' ? ['-vf', 'transpose=cclock'] : []),
    '-c:v',
    'libx264',
    // one thread: with several, x264 gave other pictures from the same frames run to run (the 15 s crowd clip
    // differed from its 113th frame on), so the same benchmark or test scored a slightly different clip each time
    '-threads',
    '1',
    '-preset',
    'veryfast',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-ac',
    '2',
    '-movflags',
    '+faststart',
    outPath,
  ];
}

/**
 * ffmpeg 5.1 cannot set a display rotation while encoding (see test/clips.ts): remux with the rotate tag. It reads
 * the tag counter-clockwise, so 270 writes the matrix phones write for a portrait clip (ffprobe: rotation -90;
 * probeMedia and autorotate: 90 degrees clockwise).
 */
export function rotateTagArgs(codedPath: string, outPath: string): string[] {
  return ['-v', 'error', '-nostdin', '-y', '-i', codedPath, '-map', '0', '-c', 'copy', '-metadata:s:v:0', 'rotate=270', '-movflags', '+faststart', outPath];
}

function runFfmpeg(args: string[], feed?: (stdin: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: [feed ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let feedError: unknown = null;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0 && !feedError) resolve();
      // ffmpeg's own complaint explains more than the broken pipe it left behind
      else if (feedError && !stderr.trim()) reject(feedError);
      else reject(new Error(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    if (feed && child.stdin) {
      const stdin = child.stdin;
      // ffmpeg dying mid-stream shows up as EPIPE here and as its exit status above
      stdin.on('error', () => {});
      feed(stdin).then(
        () => stdin.end(),
        (error: unknown) => {
          feedError = error;
          child.kill('SIGKILL');
        },
      );
    }
  });
}

/** Paints every frame into two alternating buffers, so one is painted while the other drains into ffmpeg. */
async function feedFrames(plan: ScenePlan, stdin: NodeJS.WritableStream): Promise<void> {
  const assets = await loadAssets(plan);
  const size = plan.width * plan.height * 3;
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  const inFlight: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  let failure: Error | null = null;
  for (let n = 0; n < plan.frameCount && !failure; n++) {
    const slot = n % 2;
    await inFlight[slot];
    const buffer = buffers[slot] as Buffer;
    composeFrame(plan, assets, n, buffer);
    inFlight[slot] = new Promise((resolve) => {
      stdin.write(buffer, (error) => {
        if (error) failure ??= error;
        resolve();
      });
    });
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
}

export async function generateFaceClip(o: FaceClipOptions): Promise<FaceClipTruth> {
  if (typeof o.outPath !== 'string' || o.outPath === '') throw new RangeError('outPath is required');
  const plan = planFaceClip(o);
  await mkdir(dirname(o.outPath), { recursive: true });
  const rotated = plan.scenario === 'rotated';
  const codedPath = rotated ? `${o.outPath}.coded.mp4` : o.outPath;
  try {
    await runFfmpeg(encodeArgs(plan, codedPath), (stdin) => feedFrames(plan, stdin));
    if (rotated) {
      await runFfmpeg(rotateTagArgs(codedPath, `${o.outPath}.tagged.mp4`));
      await rename(`${o.outPath}.tagged.mp4`, o.outPath);
    }
  } finally {
    if (rotated) await rm(codedPath, { force: true });
  }
  return truthOf(plan);
}
