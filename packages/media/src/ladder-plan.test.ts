import { describe, expect, it } from 'vitest';
import { planLadder } from './ladder-plan.ts';
import { validatedSource } from './validated-source-fixture.ts';

const sizes = (source: Parameters<typeof planLadder>[0]) =>
  planLadder(source).rungs.map((r) => `${r.name}:${r.width}x${r.height}`);

describe('planLadder', () => {
  it('portrait 1080x1920: four rungs by short side, even sizes, aspect kept', () => {
    expect(sizes(validatedSource())).toEqual(['v1080:1080x1920', 'v720:720x1280', 'v480:480x854', 'v360:360x640']);
  });

  it('landscape 1920x1080: same rungs turned', () => {
    expect(sizes(validatedSource({ displayWidth: 1920, displayHeight: 1080 }))).toEqual([
      'v1080:1920x1080',
      'v720:1280x720',
      'v480:854x480',
      'v360:640x360',
    ]);
  });

  it('rotated source: plans from the display size ValidatedSource carries', () => {
    // 1920x1080 stream with rotation 90 -> validateSource gives display 1080x1920
    const plan = planLadder(validatedSource({ codedWidth: 1920, codedHeight: 1080, rotation: 90, displayWidth: 1080, displayHeight: 1920 }));
    expect(plan.rungs[0]).toMatchObject({ width: 1080, height: 1920 });
  });

  it('never upscales: a 720p source has no 1080 rung', () => {
    expect(sizes(validatedSource({ displayWidth: 720, displayHeight: 1280 }))).toEqual(['v720:720x1280', 'v480:480x854', 'v360:360x640']);
  });

  it('a source just under a rung keeps that rung at its own size instead of dropping to the next', () => {
    expect(sizes(validatedSource({ displayWidth: 1072, displayHeight: 1906 }))[0]).toBe('v1080:1072x1906');
  });

  it('tiny source below 360: one rung at its own size, made even', () => {
    expect(sizes(validatedSource({ displayWidth: 241, displayHeight: 427 }))).toEqual(['v240:240x426']);
  });

  it('odd dimensions give even rungs', () => {
    for (const rung of planLadder(validatedSource({ displayWidth: 1083, displayHeight: 1927 })).rungs) {
      expect(rung.width % 2).toBe(0);
      expect(rung.height % 2).toBe(0);
    }
  });

  it('30 fps source: no fps filter, GOP 60, superfast + mbtree for 1080 and 720, veryfast below', () => {
    const plan = planLadder(validatedSource());
    for (const rung of plan.rungs) {
      expect(rung.fpsFilter).toBeNull();
      expect(rung.gopFrames).toBe(60);
      expect(rung.bufsize).toBe(2 * rung.maxrate);
    }
    expect(plan.rungs.map((r) => r.preset)).toEqual(['superfast', 'superfast', 'veryfast', 'veryfast']);
    expect(plan.rungs.map((r) => r.x264Params)).toEqual(['mbtree=1:rc-lookahead=10', 'mbtree=1:rc-lookahead=10', null, null]);
    expect(plan.rungs.map((r) => r.crf)).toEqual([23, 23, 24, 25]);
  });

  it('60 fps source: 1080/720 keep 60 fps (GOP 120), 480/360 get fps=30 (GOP 60)', () => {
    const plan = planLadder(validatedSource({ frameRate: { num: 60, den: 1 } }));
    expect(plan.rungs.map((r) => [r.name, r.fpsFilter && `${r.fpsFilter.num}/${r.fpsFilter.den}`, r.gopFrames])).toEqual([
      ['v1080', null, 120],
      ['v720', null, 120],
      ['v480', '30/1', 60],
      ['v360', '30/1', 60],
    ]);
    expect(plan.rungs[0]?.level).toBe('4.2');
  });

  it('59.94 and 50 fps halve exactly, 25 and 24 fps are left alone (no duplicated frames)', () => {
    const ntsc = planLadder(validatedSource({ frameRate: { num: 60000, den: 1001 } })).rungs[3];
    expect(ntsc?.fpsFilter).toEqual({ num: 30000, den: 1001 });
    expect(ntsc?.gopFrames).toBe(60);
    expect(planLadder(validatedSource({ frameRate: { num: 50, den: 1 } })).rungs[3]?.fpsFilter).toEqual({ num: 25, den: 1 });
    for (const fps of [25, 24]) {
      const rungs = planLadder(validatedSource({ frameRate: { num: fps, den: 1 } })).rungs;
      expect(rungs.every((r) => r.fpsFilter === null && r.gopFrames === 2 * fps)).toBe(true);
    }
  });

  it('120 fps slow motion: 60 on the top rungs, 30 below', () => {
    const rungs = planLadder(validatedSource({ frameRate: { num: 120, den: 1 } })).rungs;
    expect(rungs.map((r) => r.fpsFilter?.num)).toEqual([60, 60, 30, 30]);
  });

  it('VFR source: every rung resampled to a constant rate of at most 30', () => {
    const rungs = planLadder(validatedSource({ vfr: true, frameRate: { num: 5994, den: 100 } })).rungs;
    expect(rungs.every((r) => r.fpsFilter?.num === 30 && r.fpsFilter.den === 1 && r.gopFrames === 60)).toBe(true);
    const slow = planLadder(validatedSource({ vfr: true, frameRate: { num: 24, den: 1 } })).rungs;
    expect(slow.every((r) => r.fpsFilter?.num === 24)).toBe(true);
    const unknown = planLadder(validatedSource({ frameRate: null })).rungs;
    expect(unknown.every((r) => r.fpsFilter?.num === 30)).toBe(true);
  });

  it('maxrate from bits per pixel, decreasing down the ladder', () => {
    const rungs = planLadder(validatedSource()).rungs;
    expect(rungs[0]?.maxrate).toBe(Math.round((1080 * 1920 * 30 * 0.08) / 1000) * 1000);
    for (let i = 1; i < rungs.length; i++) expect(rungs[i]?.maxrate).toBeLessThan(rungs[i - 1]?.maxrate ?? 0);
  });

  it('never above a low-bitrate source', () => {
    const rungs = planLadder(validatedSource({ videoBitRate: 1_000_000 })).rungs;
    expect(rungs.map((r) => r.maxrate)).toEqual([1_000_000, 1_000_000, 1_000_000, 760_000]);
    expect(rungs.every((r) => r.bufsize === 2 * r.maxrate)).toBe(true);
  });

  it('audio: AAC stereo, 128k on 1080/720, 96k below; none without source audio', () => {
    const plan = planLadder(validatedSource());
    expect(plan.audio).toEqual({ codec: 'aac', channels: 2, sampleRate: 48_000 });
    expect(plan.rungs.map((r) => r.audioBitrate)).toEqual([128_000, 128_000, 96_000, 96_000]);
    expect(plan.rungs.every((r) => r.codecs.endsWith(',mp4a.40.2'))).toBe(true);
    const silent = planLadder(validatedSource({ audio: null }));
    expect(silent.audio).toBeNull();
    expect(silent.rungs.every((r) => r.audioBitrate === null && !r.codecs.includes('mp4a'))).toBe(true);
  });

  it('levels and CODECS strings fit each rung', () => {
    const rungs = planLadder(validatedSource()).rungs;
    expect(rungs.map((r) => [r.level, r.codecs])).toEqual([
      ['4.0', 'avc1.640028,mp4a.40.2'],
      ['3.1', 'avc1.64001f,mp4a.40.2'],
      ['3.1', 'avc1.64001f,mp4a.40.2'],
      ['3.0', 'avc1.64001e,mp4a.40.2'],
    ]);
  });
});
