// posterArgs: pure. One JPEG frame from the upload, about 1 s in (or 10% in for very short clips), at the size of
// the 720 rung (or the largest rung below it), autorotated, with no metadata.
import { hardenedInputArgs, ownRungInputArgs, singleJpegOutputArgs } from './input-args.ts';
import type { LadderPlan, LadderRung } from './ladder-plan.ts';

/** ffmpeg's -q:v for posters: they are shown large, in the feed before playback starts. */
const POSTER_QUALITY = 3;

export function posterTimeSeconds(durationMs: number): number {
  return Math.min(1, (durationMs / 1000) * 0.1);
}

export function posterRung(plan: LadderPlan): LadderRung {
  const fitting = plan.rungs.find((r) => r.shortSide <= 720);
  const chosen = fitting ?? plan.rungs[plan.rungs.length - 1];
  if (!chosen) throw new Error('A ladder plan always has at least one rung');
  return chosen;
}

export function posterArgs(plan: LadderPlan, inputPath: string, outPath: string): string[] {
  const rung = posterRung(plan);
  return [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    // Input-side seek: jumps to the keyframe before, then decodes to the exact time.
    ...hardenedInputArgs(plan.source, inputPath, { seekSeconds: posterTimeSeconds(plan.durationMs) }),
    '-map',
    '0:v:0',
    '-vf',
    `scale=w=${rung.width}:h=${rung.height}:flags=bicubic,setsar=1,format=yuvj420p`,
    ...singleJpegOutputArgs(outPath, POSTER_QUALITY),
  ];
}

/**
 * The poster taken from our own encoded ladder instead of the upload: used when faces were obscured, so the
 * poster shows exactly what the video shows (the upload still has every face).
 */
export function posterFromLadderArgs(plan: LadderPlan, ladderDir: string, outPath: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    ...ownRungInputArgs(ladderDir, posterRung(plan), { seekSeconds: posterTimeSeconds(plan.durationMs) }),
    '-map',
    '0:v:0',
    '-vf',
    'setsar=1,format=yuvj420p',
    ...singleJpegOutputArgs(outPath, POSTER_QUALITY),
  ];
}
