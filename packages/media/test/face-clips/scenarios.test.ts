// The planned truth of every scenario, checked without rendering: face sizes, entries and exits, the fast mover,
// no face hidden behind another, partial faces at the edges, determinism, and refused options.
import { describe, expect, it } from 'vitest';
import { encodeArgs, generateFaceClip, planFaceClip, rotateTagArgs } from './generate.ts';
import { intersect } from './metrics.ts';
import { DARK_BRIGHTNESS, truthOf } from './scenarios.ts';
import { PEOPLE, PERSON_IMAGES, faceSprite } from './sprites.ts';
import type { FaceClipTruth, FaceScenario, Rect, TruthBox } from './truth.ts';

const area = (r: Rect | null) => (r ? r.width * r.height : 0);
const inside = (box: Rect, t: FaceClipTruth) => box.x >= 0 && box.y >= 0 && box.x + box.width <= t.width && box.y + box.height <= t.height;
const visibleFraction = (box: Rect, t: FaceClipTruth) => area(intersect(box, { x: 0, y: 0, width: t.width, height: t.height })) / area(box);

function appearances(truth: FaceClipTruth): Map<number, { frame: number; box: TruthBox }[]> {
  const byId = new Map<number, { frame: number; box: TruthBox }[]>();
  truth.frames.forEach((boxes, frame) => {
    for (const box of boxes) {
      const list = byId.get(box.id) ?? [];
      list.push({ frame, box });
      byId.set(box.id, list);
    }
  });
  return byId;
}

function plannedTruth(scenario: FaceScenario, extra: { width?: number; height?: number; seconds?: number; seed?: number } = {}): FaceClipTruth {
  return truthOf(planFaceClip({ scenario, ...extra }));
}

describe('face sprites', () => {
  it('the hard-coded face boxes and their context lie inside the still images', () => {
    for (const person of PEOPLE) {
      const image = PERSON_IMAGES[person];
      const sprite = faceSprite(person, 100, false);
      expect(sprite.crop.x).toBeGreaterThanOrEqual(0);
      expect(sprite.crop.y).toBeGreaterThanOrEqual(0);
      expect(sprite.crop.x + sprite.crop.width).toBeLessThanOrEqual(image.width);
      expect(sprite.crop.y + sprite.crop.height).toBeLessThanOrEqual(image.height);
    }
  });

  it('scales the FACE to the asked width and mirrors its box with the picture', () => {
    const plain = faceSprite('grace_hopper', 120, false);
    const mirrored = faceSprite('grace_hopper', 120, true);
    expect(Math.abs((plain.face?.width ?? 0) - 120)).toBeLessThanOrEqual(1);
    expect(mirrored.face).toEqual({ ...plain.face, x: plain.width - (plain.face?.x ?? 0) - (plain.face?.width ?? 0) });
    // context all around the face: hair above, some background at the sides
    expect(plain.face?.x).toBeGreaterThan(0.15 * plain.width);
    expect(plain.face?.y).toBeGreaterThan(0.2 * plain.height);
  });
});

describe('crowd (the benchmark clip: 15 s, 1080 x 1920)', () => {
  const truth = plannedTruth('crowd');
  const byId = appearances(truth);
  const last = truth.frameCount - 1;

  it('is 15 s at 30 fps in portrait with 5-8 faces of 40-240 px, several at once', () => {
    expect(truth).toMatchObject({ width: 1080, height: 1920, fps: 30, frameCount: 450 });
    expect(truth.frames).toHaveLength(450);
    expect(byId.size).toBeGreaterThanOrEqual(5);
    expect(byId.size).toBeLessThanOrEqual(8);
    const widths = [...byId.values()].map((list) => list[0]?.box.width ?? 0);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(39);
    expect(Math.max(...widths)).toBeLessThanOrEqual(241);
    expect(Math.max(...truth.frames.map((f) => f.length))).toBeGreaterThanOrEqual(6);
  });

  it('faces enter through an edge, pop in, and leave mid-clip', () => {
    const lists = [...byId.values()];
    const firstSeen = lists.map((list) => list[0] as { frame: number; box: TruthBox });
    const lastSeen = lists.map((list) => list[list.length - 1] as { frame: number; box: TruthBox });
    expect(firstSeen.some(({ frame, box }) => frame > 0 && !inside(box, truth))).toBe(true);
    expect(firstSeen.some(({ frame, box }) => frame > 0 && inside(box, truth))).toBe(true);
    expect(lastSeen.some(({ frame, box }) => frame < last && !inside(box, truth))).toBe(true);
    expect(lastSeen.some(({ frame, box }) => frame < last && inside(box, truth))).toBe(true);
    // and some stay the whole clip
    expect(lists.some((list) => list.length === truth.frameCount)).toBe(true);
  });

  it('one face crosses the whole frame in about a second', () => {
    const crossers = [...byId.values()].filter((list) => {
      const first = (list[0] as { box: TruthBox }).box;
      const end = (list[list.length - 1] as { box: TruthBox }).box;
      return Math.abs(end.x - first.x) > truth.width && list.length <= 1.2 * truth.fps;
    });
    expect(crossers).toHaveLength(1);
    expect(crossers[0]?.length).toBeGreaterThanOrEqual(0.8 * truth.fps);
  });

  it('moves every face smoothly (no jumps between frames except the fast mover)', () => {
    for (const list of byId.values()) {
      const steps = list.slice(1).map((a, i) => Math.hypot(a.box.x - (list[i]?.box.x ?? 0), a.box.y - (list[i]?.box.y ?? 0)));
      const fast = list.length <= 1.2 * truth.fps;
      expect(Math.max(0, ...steps)).toBeLessThanOrEqual(fast ? 60 : 12);
    }
  });

  it('never lets two faces overlap', () => {
    for (const boxes of truth.frames) {
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          expect(area(intersect(a, b))).toBeLessThanOrEqual(0.02 * Math.min(area(a), area(b)));
        }
      }
    }
  });

  it('is the same for the same seed and different for another', () => {
    expect(plannedTruth('crowd')).toEqual(truth);
    expect(plannedTruth('crowd', { seed: 2 })).not.toEqual(truth);
  });
});

describe('the other scenarios', () => {
  it("'dark' and 'rotated' show the crowd's faces, in display coordinates", () => {
    const crowd = plannedTruth('crowd', { seed: 5 });
    expect(plannedTruth('dark', { seed: 5 })).toEqual(crowd);
    expect(plannedTruth('rotated', { seed: 5 })).toEqual(crowd);
    expect(planFaceClip({ scenario: 'dark' }).brightness).toBe(DARK_BRIGHTNESS);
    expect(planFaceClip({ scenario: 'crowd' }).brightness).toBe(1);
  });

  it("'none' has no face in any frame but a cat in every one", () => {
    const plan = planFaceClip({ scenario: 'none' });
    expect(truthOf(plan).frames.every((f) => f.length === 0)).toBe(true);
    expect(plan.layers.every((l) => l.id === null && l.sprite.file === 'chelsea.png')).toBe(true);
    expect(plan.placements.every((p) => p.length === 2)).toBe(true);
  });

  it("'closeup' is one face filling most of the frame, moving a little", () => {
    const truth = plannedTruth('closeup');
    expect(truth.frames.every((f) => f.length === 1)).toBe(true);
    const boxes = truth.frames.map((f) => f[0] as TruthBox);
    expect(boxes[0]?.width).toBeGreaterThan(0.6 * truth.width);
    const xs = boxes.map((b) => b.x);
    const ys = boxes.map((b) => b.y);
    const travel = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    expect(travel).toBeGreaterThan(10);
    expect(travel).toBeLessThan(0.1 * truth.width);
  });

  it("'edges' has faces partly outside the frame, and only such faces, in every frame", () => {
    const truth = plannedTruth('edges');
    expect(new Set(truth.frames.flat().map((b) => b.id)).size).toBeGreaterThanOrEqual(4);
    for (const boxes of truth.frames) {
      expect(boxes.length).toBeGreaterThanOrEqual(3);
      for (const box of boxes) {
        const shown = visibleFraction(box, truth);
        expect(shown).toBeGreaterThan(0.05);
        expect(shown).toBeLessThan(0.8);
      }
    }
  });

  it('short clips scale the faces with the frame', () => {
    const truth = plannedTruth('crowd', { width: 540, height: 960, seconds: 3 });
    expect(truth).toMatchObject({ width: 540, height: 960, frameCount: 90 });
    const widths = truth.frames.flat().map((b) => b.width);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(19);
    expect(Math.max(...widths)).toBeLessThanOrEqual(121);
    // the fast mover still takes about a second
    const byId = appearances(truth);
    expect([...byId.values()].some((list) => list.length <= 36 && list.length >= 24)).toBe(true);
  });
});

describe('ffmpeg arguments', () => {
  it('one ffmpeg reads raw RGB frames and writes x264 veryfast CRF 18 yuv420p with AAC', () => {
    const plan = planFaceClip({ scenario: 'crowd', width: 540, height: 960, seconds: 2, seed: 4 });
    const args = encodeArgs(plan, '/out/crowd.mp4');
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(args.slice(args.indexOf('rawvideo') - 1, args.indexOf('pipe:0') + 1)).toEqual([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      '540x960',
      '-framerate',
      '30',
      '-i',
      'pipe:0',
    ]);
    expect(after('-c:v')).toBe('libx264');
    expect(after('-preset')).toBe('veryfast');
    expect(after('-crf')).toBe('18');
    expect(args.filter((a) => a === '-pix_fmt')).toHaveLength(2);
    expect(args[args.lastIndexOf('-pix_fmt') + 1]).toBe('yuv420p');
    expect(after('-c:a')).toBe('aac');
    expect(args.find((a) => a.startsWith('anoisesrc='))).toContain('duration=2');
    expect(args).not.toContain('-vf');
    expect(args.at(-1)).toBe('/out/crowd.mp4');
  });

  it("'rotated' stores the picture turned back and tags it for display", () => {
    const args = encodeArgs(planFaceClip({ scenario: 'rotated', seconds: 1 }), '/out/r.coded.mp4');
    expect(args[args.indexOf('-vf') + 1]).toBe('transpose=cclock');
    expect(args[args.indexOf('-s') + 1]).toBe('1080x1920');
    const tag = rotateTagArgs('/out/r.coded.mp4', '/out/r.mp4');
    expect(tag).toEqual(expect.arrayContaining(['-c', 'copy', '-metadata:s:v:0', 'rotate=270']));
    expect(tag.at(-1)).toBe('/out/r.mp4');
  });
});

describe('refused options', () => {
  const base = { scenario: 'crowd' as const, outPath: '/nonexistent/never-written.mp4' };

  it.each([
    [{ scenario: 'selfie' as FaceScenario }, /unknown scenario/],
    [{ width: 541 }, /width must be an even/],
    [{ width: 32 }, /width must be an even/],
    [{ height: 5000 }, /height must be an even/],
    [{ height: 960.5 }, /height must be an even/],
    [{ fps: 0 }, /fps/],
    [{ fps: Number.NaN }, /fps/],
    [{ seconds: 0 }, /seconds/],
    [{ seconds: -3 }, /seconds/],
    [{ seconds: 181 }, /seconds/],
    [{ seconds: 0.01 }, /at least one frame/],
    [{ seed: 1.5 }, /seed/],
    [{ outPath: '' }, /outPath/],
  ])('%o', async (bad, message) => {
    await expect(generateFaceClip({ ...base, ...bad })).rejects.toThrow(message);
  });
});
