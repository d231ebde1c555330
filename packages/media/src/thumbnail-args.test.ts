import { describe, expect, it } from 'vitest';
import { planLadder } from './ladder-plan.ts';
import { posterArgs, posterFromLadderArgs, posterTimeSeconds } from './poster-args.ts';
import { planStoryboard, storyboardArgs } from './storyboard-args.ts';
import { validatedSource } from './validated-source-fixture.ts';

describe('posterArgs', () => {
  it('seeks ~1 s in (10% for short clips) on the hardened input, scales to the 720 rung, strips metadata', () => {
    expect(posterTimeSeconds(30_000)).toBe(1);
    expect(posterTimeSeconds(4_000)).toBeCloseTo(0.4);
    const args = posterArgs(planLadder(validatedSource()), '/job/source', '/job/poster.jpg');
    const joined = args.join(' ');
    expect(joined).toContain('-protocol_whitelist file,pipe');
    expect(joined).toContain('-ss 1.000 -f mov -i file:/job/source');
    expect(joined).toContain('scale=w=720:h=1280');
    expect(joined).toContain('-map_metadata -1');
    expect(joined).toContain('-frames:v 1');
    expect(args.at(-1)).toBe('/job/poster.jpg');
  });

  it('from our own ladder (faces obscured): the 720 rung through the hls demuxer only, the same time, no metadata', () => {
    const args = posterFromLadderArgs(planLadder(validatedSource()), '/job/out', '/job/poster.jpg');
    const joined = args.join(' ');
    expect(joined).toContain('-protocol_whitelist file -format_whitelist hls,mov -f hls -i file:/job/out/v720/index.m3u8 -ss 1.000');
    expect(joined).not.toContain('/job/source');
    expect(joined).toContain('-map_metadata -1 -map_metadata:s -1 -map_chapters -1');
    expect(joined).toContain('-frames:v 1 -q:v 3');
    expect(args.at(-1)).toBe('/job/poster.jpg');
  });
});

describe('storyboard', () => {
  it('one thumbnail every 2 s in rows of 10, from the smallest rung', () => {
    const plan = planLadder(validatedSource({ durationMs: 30_000 }));
    expect(planStoryboard(plan)).toEqual({ intervalSeconds: 2, count: 15, columns: 10, rows: 2, thumbWidth: 90, thumbHeight: 160 });
    const joined = storyboardArgs(plan, '/job/out', '/job/storyboard.jpg').join(' ');
    expect(joined).toContain('-i file:/job/out/v360/index.m3u8');
    expect(joined).toContain('-protocol_whitelist file -format_whitelist hls,mov -f hls');
    expect(joined).toContain('fps=1/2,scale=w=90:h=160,setsar=1,tile=10x2');
    expect(joined).toContain('-map_metadata -1 -map_metadata:s -1 -map_chapters -1');
  });

  it('stretches the interval so a 3-minute video stays at 100 thumbnails or fewer', () => {
    const board = planStoryboard(planLadder(validatedSource({ durationMs: 180_000, displayWidth: 1920, displayHeight: 1080 })));
    expect(board).toMatchObject({ intervalSeconds: 2, count: 90, columns: 10, rows: 9, thumbWidth: 160, thumbHeight: 90 });
    expect(planStoryboard(planLadder(validatedSource({ durationMs: 600_000 }))).count).toBeLessThanOrEqual(100);
  });
});
