// Storyboard sprite (scrubbing thumbnails): plan and ffmpeg arguments, both pure. Read from the smallest rung we
// already encoded, which is ~10x faster than decoding the upload again.
import { ownRungInputArgs, singleJpegOutputArgs } from './input-args.ts';
import type { LadderPlan } from './ladder-plan.ts';

const MAX_THUMBNAILS = 100;
const MAX_COLUMNS = 10;
const THUMB_LONG_SIDE = 160;
/** ffmpeg's -q:v for the sprite: its thumbnails are small and only seen while scrubbing. */
const STORYBOARD_QUALITY = 4;

export interface StoryboardPlan {
  /** A thumbnail every this many seconds, the first at 0. */
  intervalSeconds: number;
  count: number;
  columns: number;
  rows: number;
  thumbWidth: number;
  thumbHeight: number;
}

function evenRound(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

export function planStoryboard(plan: LadderPlan): StoryboardPlan {
  const smallest = plan.rungs[plan.rungs.length - 1];
  if (!smallest) throw new Error('A ladder plan always has at least one rung');
  const seconds = plan.durationMs / 1000;
  const intervalSeconds = Math.max(2, Math.ceil(seconds / MAX_THUMBNAILS));
  const count = Math.max(1, Math.ceil(seconds / intervalSeconds));
  const columns = Math.min(MAX_COLUMNS, count);
  const landscape = smallest.width >= smallest.height;
  const scale = THUMB_LONG_SIDE / Math.max(smallest.width, smallest.height);
  return {
    intervalSeconds,
    count,
    columns,
    rows: Math.ceil(count / columns),
    thumbWidth: landscape ? THUMB_LONG_SIDE : evenRound(smallest.width * scale),
    thumbHeight: landscape ? evenRound(smallest.height * scale) : THUMB_LONG_SIDE,
  };
}

/** Reads our own HLS output of the smallest rung (ownRungInputArgs). */
export function storyboardArgs(plan: LadderPlan, ladderDir: string, outPath: string): string[] {
  const smallest = plan.rungs[plan.rungs.length - 1];
  if (!smallest) throw new Error('A ladder plan always has at least one rung');
  const board = planStoryboard(plan);
  return [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    ...ownRungInputArgs(ladderDir, smallest),
    '-map',
    '0:v:0',
    '-vf',
    `fps=1/${board.intervalSeconds},scale=w=${board.thumbWidth}:h=${board.thumbHeight},setsar=1,tile=${board.columns}x${board.rows},format=yuvj420p`,
    ...singleJpegOutputArgs(outPath, STORYBOARD_QUALITY),
  ];
}
