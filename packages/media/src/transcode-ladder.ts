// The media steps a worker runs after planning: the ladder (reporting finished files while it encodes), then the
// master playlist, poster and storyboard. Each runs ffmpeg through runFfmpeg, so each is killed on timeout/abort.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlurSummary, type FaceBlurOptions, type ObscureOptions, runBlurredLadder, runObscuredLadder } from './faces/blur-stream.ts';
import { runFfmpeg } from './ffmpeg-runner.ts';
import { buildLadderArgs, type FaceThumbnailRequest, faceThumbnailsArgs } from './ladder-args.ts';
import type { LadderPlan } from './ladder-plan.ts';
import { posterArgs, posterFromLadderArgs } from './poster-args.ts';
import { planStoryboard, type StoryboardPlan, storyboardArgs } from './storyboard-args.ts';
import { writeMasterPlaylist } from './variant-bandwidth.ts';
import { type OutputFileHandler, watchOutputs } from './watch-outputs.ts';

export interface StepOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  nice?: number;
}

export interface TranscodeLadderOptions extends StepOptions {
  onProgress?: (percent: number) => void;
  /** Called for each finished output file, in order; playlists last, master.m3u8 very last. */
  onFile?: OutputFileHandler;
  /** Obscure every face before encoding (decode -> detect/blur -> this same ladder); see faces/blur-stream.ts. */
  blur?: FaceBlurOptions;
  /** Obscure boxes already found (phase 2 after the owner chose which faces stay visible). */
  obscure?: ObscureOptions;
  /** Applied to the sound once, before it is encoded for every rung (voiceDisguiseFilter). */
  audioFilter?: string;
}

export async function transcodeLadder(
  plan: LadderPlan,
  inputPath: string,
  outDir: string,
  options: TranscodeLadderOptions,
): Promise<{ masterPlaylistPath: string; blur: BlurSummary | null }> {
  await Promise.all(plan.rungs.map((rung) => mkdir(join(outDir, rung.name), { recursive: true })));
  const watcher = options.onFile ? watchOutputs(outDir, options.onFile) : null;
  const run = {
    timeoutMs: options.timeoutMs,
    durationMs: plan.durationMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.nice !== undefined ? { nice: options.nice } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.audioFilter ? { audioFilter: options.audioFilter } : {}),
  };
  let blur: BlurSummary | null = null;
  const audioFilter = options.audioFilter ? { audioFilter: options.audioFilter } : {};
  try {
    if (options.blur) blur = await runBlurredLadder(plan, inputPath, outDir, run, options.blur);
    else if (options.obscure) blur = { ...(await runObscuredLadder(plan, inputPath, outDir, run, options.obscure)), detections: 0, tracks: 0 };
    else await runFfmpeg(buildLadderArgs(plan, inputPath, outDir, audioFilter), run);
  } catch (error) {
    await watcher?.cancel();
    throw error;
  }
  const masterPlaylistPath = await writeMasterPlaylist(outDir, plan);
  await watcher?.finish();
  return { masterPlaylistPath, blur };
}

function stepRunOptions(options: StepOptions) {
  return {
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.nice !== undefined ? { nice: options.nice } : {}),
  };
}

/** From the upload, or with `fromLadderDir` from the encoded ladder (always when faces were obscured). */
export async function renderPoster(
  plan: LadderPlan,
  inputPath: string,
  outPath: string,
  options: StepOptions & { fromLadderDir?: string },
): Promise<void> {
  const args = options.fromLadderDir ? posterFromLadderArgs(plan, options.fromLadderDir, outPath) : posterArgs(plan, inputPath, outPath);
  await runFfmpeg(args, stepRunOptions(options));
}

/** Needs the finished ladder in ladderDir. */
export async function renderStoryboard(
  plan: LadderPlan,
  ladderDir: string,
  outPath: string,
  options: StepOptions,
): Promise<StoryboardPlan> {
  await runFfmpeg(storyboardArgs(plan, ladderDir, outPath), stepRunOptions(options));
  return planStoryboard(plan);
}

/** Thumbnails of detected faces (from the upload; only its owner ever sees them), one decode for all. */
export async function renderFaceThumbnails(
  plan: LadderPlan,
  inputPath: string,
  requests: readonly FaceThumbnailRequest[],
  options: StepOptions,
): Promise<void> {
  if (requests.length === 0) return;
  await runFfmpeg(faceThumbnailsArgs(plan, inputPath, requests), stepRunOptions(options));
}
