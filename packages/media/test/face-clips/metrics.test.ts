// Hand-computed cases for the blur metrics: overlapping rectangles, boxes past the frame edge, empty lists, bad input.
import { describe, expect, it } from 'vitest';
import { coverage, enlargeAboutCentre, intersect, overBlurShare, protectionScore, totalObscuredArea, unionArea } from './metrics.ts';
import type { FaceClipTruth, Rect, TruthBox } from './truth.ts';

const r = (x: number, y: number, width: number, height: number): Rect => ({ x, y, width, height });
const face = (id: number, x: number, y: number, width: number, height: number): TruthBox => ({ id, x, y, width, height });

function clip(frames: TruthBox[][], width = 100, height = 100): FaceClipTruth {
  return { width, height, fps: 30, frameCount: frames.length, frames };
}

describe('intersect', () => {
  it('returns the common part of overlapping rectangles', () => {
    expect(intersect(r(0, 0, 10, 10), r(5, 6, 10, 10))).toEqual(r(5, 6, 5, 4));
    expect(intersect(r(0, 0, 100, 100), r(20, 30, 5, 5))).toEqual(r(20, 30, 5, 5));
  });

  it('returns null for disjoint or merely touching rectangles', () => {
    expect(intersect(r(0, 0, 10, 10), r(20, 0, 5, 5))).toBeNull();
    expect(intersect(r(0, 0, 10, 10), r(10, 0, 5, 5))).toBeNull();
    expect(intersect(r(0, 0, 10, 10), r(0, 10, 10, 5))).toBeNull();
  });
});

describe('unionArea', () => {
  it('is 0 for no rectangles or only empty ones', () => {
    expect(unionArea([])).toBe(0);
    expect(unionArea([r(5, 5, 0, 10), r(0, 0, 10, 0)])).toBe(0);
  });

  it('counts overlaps once', () => {
    expect(unionArea([r(0, 0, 10, 10)])).toBe(100);
    // 100 + 100 - 25
    expect(unionArea([r(0, 0, 10, 10), r(5, 5, 10, 10)])).toBe(175);
    expect(unionArea([r(0, 0, 10, 10), r(0, 0, 10, 10)])).toBe(100);
    expect(unionArea([r(0, 0, 10, 10), r(2, 2, 3, 3)])).toBe(100);
    // A u B = 150; C adds 100 minus its 50 shared with A u B
    expect(unionArea([r(0, 0, 10, 10), r(5, 0, 10, 10), r(0, 5, 10, 10)])).toBe(200);
    // disjoint pieces add up
    expect(unionArea([r(0, 0, 10, 10), r(20, 20, 5, 4)])).toBe(120);
  });

  it('handles fractional coordinates exactly enough', () => {
    expect(unionArea([r(0.5, 0.5, 1.5, 2), r(1, 0.5, 1.5, 2)])).toBeCloseTo(4, 12);
  });
});

describe('coverage', () => {
  const f = r(0, 0, 100, 100);

  it('is the covered fraction of the face', () => {
    expect(coverage(f, [r(0, 0, 50, 100)])).toBe(0.5);
    expect(coverage(f, [r(-20, -20, 200, 200)])).toBe(1);
    expect(coverage(r(10, 20, 40, 40), [r(30, 20, 100, 100)])).toBe(0.5);
  });

  it('counts overlapping obscured rectangles once (never above 1)', () => {
    expect(coverage(f, [r(0, 0, 60, 100), r(40, 0, 60, 100)])).toBe(1);
    // an L shape: 5000 + 5000 - 2500
    expect(coverage(f, [r(0, 0, 100, 50), r(0, 0, 50, 100)])).toBe(0.75);
  });

  it('ignores obscured area outside the face', () => {
    expect(coverage(f, [r(90, 90, 50, 50)])).toBe(0.01);
    expect(coverage(f, [r(200, 0, 50, 50)])).toBe(0);
  });

  it('is 0 with nothing obscured, and 1 for a face with no area', () => {
    expect(coverage(f, [])).toBe(0);
    expect(coverage(r(5, 5, 0, 10), [])).toBe(1);
  });

  it('refuses negative sizes and non-finite coordinates', () => {
    expect(() => coverage(r(0, 0, -1, 10), [])).toThrow(RangeError);
    expect(() => coverage(r(Number.NaN, 0, 1, 10), [])).toThrow(/non-finite/);
    expect(() => coverage(f, [r(0, 0, 10, -10)])).toThrow(/obscured\[0\]/);
    expect(() => coverage(f, [r(0, 0, Number.POSITIVE_INFINITY, 10)])).toThrow(RangeError);
  });
});

describe('protectionScore', () => {
  const truth = clip([
    [face(1, 10, 10, 20, 20), face(2, 60, 60, 20, 20)],
    // half of face 1 is past the right edge: only its inside half has to be covered
    [face(1, 90, 10, 20, 20)],
    // face 1 wholly outside the frame does not count; face 2 is not covered at all
    [face(1, -30, 0, 20, 20), face(2, 50, 50, 20, 20)],
  ]);
  const obscured = [[r(0, 0, 40, 40), r(60, 60, 20, 19)], [r(90, 10, 10, 20)], []];

  it('counts face-frames covered at least the threshold, only the part inside the frame', () => {
    expect(protectionScore(truth, obscured)).toEqual({
      faceFrames: 4,
      protectedFrames: 3,
      share: 0.75,
      worst: [{ frame: 2, id: 2, coverage: 0 }],
    });
  });

  it('a coverage exactly at the threshold is protected, just under it is not', () => {
    const stricter = protectionScore(truth, obscured, 0.96);
    expect(stricter.protectedFrames).toBe(2);
    expect(stricter.worst).toEqual([
      { frame: 2, id: 2, coverage: 0 },
      { frame: 0, id: 2, coverage: 0.95 },
    ]);
  });

  it('an obscured box past the frame edge still protects the visible part of the face', () => {
    const score = protectionScore(clip([[face(1, 90, 10, 20, 20)]]), [[r(85, 5, 40, 40)]]);
    expect(score).toMatchObject({ faceFrames: 1, protectedFrames: 1, share: 1 });
  });

  it('can skip face-frames that are barely visible', () => {
    // face 1 in frame 1 shows half of itself
    expect(protectionScore(truth, obscured, 0.95, { minVisibleFraction: 0.6 }).faceFrames).toBe(3);
    expect(protectionScore(truth, obscured, 0.95, { minVisibleFraction: 0.5 }).faceFrames).toBe(4);
  });

  it('lists the worst misses first and at most worstLimit of them', () => {
    const many = clip([[face(1, 0, 0, 10, 10), face(2, 20, 0, 10, 10), face(3, 40, 0, 10, 10)]]);
    const score = protectionScore(many, [[r(0, 0, 5, 10), r(40, 0, 2, 10)]], 0.95, { worstLimit: 2 });
    expect(score.worst).toEqual([
      { frame: 0, id: 2, coverage: 0 },
      { frame: 0, id: 3, coverage: 0.2 },
    ]);
    expect(score.share).toBe(0);
  });

  it('a clip without faces is fully protected with no face-frames', () => {
    expect(protectionScore(clip([[], []]), [[], [r(0, 0, 5, 5)]])).toEqual({ faceFrames: 0, protectedFrames: 0, share: 1, worst: [] });
  });

  it('refuses mismatched frame counts, bad thresholds and bad options', () => {
    expect(() => protectionScore(truth, [[], []])).toThrow(/obscured has 2 frames, the clip has 3/);
    expect(() => protectionScore({ ...truth, frameCount: 4 }, [...obscured, []])).toThrow(/frameCount/);
    expect(() => protectionScore(truth, obscured, 0)).toThrow(/threshold/);
    expect(() => protectionScore(truth, obscured, 1.01)).toThrow(/threshold/);
    expect(() => protectionScore(truth, obscured, Number.NaN)).toThrow(/threshold/);
    expect(() => protectionScore(truth, obscured, 0.95, { minVisibleFraction: -0.1 })).toThrow(/minVisibleFraction/);
    expect(() => protectionScore(truth, obscured, 0.95, { worstLimit: 1.5 })).toThrow(/worstLimit/);
    expect(() => protectionScore({ ...truth, width: 0 }, obscured)).toThrow(/frame size/);
    expect(() => protectionScore(truth, [[r(0, 0, -1, 1)], [], []])).toThrow(/obscured frame 0/);
    expect(() => protectionScore(clip([[face(1, 0, 0, Number.NaN, 1)]]), [[]])).toThrow(/truth frame 0/);
  });
});

describe('enlargeAboutCentre', () => {
  it('keeps the centre', () => {
    expect(enlargeAboutCentre(r(40, 40, 20, 10), 1.5)).toEqual(r(35, 37.5, 30, 15));
    expect(enlargeAboutCentre(r(40, 40, 20, 10), 1)).toEqual(r(40, 40, 20, 10));
  });
});

describe('overBlurShare', () => {
  it('is 0 when everything obscured lies within the enlarged faces', () => {
    // face (40,40,20,20) x1.5 = (35,35,30,30)
    const truth = clip([[face(1, 40, 40, 20, 20)]]);
    expect(overBlurShare(truth, [[r(35, 35, 30, 30)]])).toBe(0);
    expect(overBlurShare(truth, [[]])).toBe(0);
  });

  it('counts obscured area outside the enlarged faces, as a share of the frame, averaged over frames', () => {
    const truth = clip([[face(1, 40, 40, 20, 20)], []]);
    // frame 0: 100 px away from the face; frame 1: a box past the corner, 10 x 10 of it inside the frame
    expect(overBlurShare(truth, [[r(35, 35, 30, 30), r(0, 0, 10, 10)], [r(90, 90, 20, 20)]])).toBeCloseTo(0.01, 12);
    // a box straddling the enlarged face: only its 5 x 20 outside part counts
    expect(overBlurShare(truth, [[r(30, 40, 20, 20)], []])).toBeCloseTo(0.005, 12);
  });

  it('counts overlapping obscured rectangles once', () => {
    const truth = clip([[]]);
    expect(overBlurShare(truth, [[r(0, 0, 10, 10), r(5, 0, 10, 10)]])).toBeCloseTo(0.015, 12);
  });

  it('the enlargement factor sets what counts as near a face', () => {
    const truth = clip([[face(1, 40, 40, 20, 20)]]);
    expect(overBlurShare(truth, [[r(35, 35, 30, 30)]], 1)).toBeCloseTo(0.05, 12);
    expect(overBlurShare(truth, [[r(30, 30, 40, 40)]], 2)).toBe(0);
  });

  it('counts overlapping enlarged faces once', () => {
    const truth = clip([[face(1, 40, 40, 20, 20), face(2, 50, 40, 20, 20)]]);
    expect(overBlurShare(truth, [[r(40, 40, 30, 20)]], 1)).toBe(0);
    expect(overBlurShare(truth, [[r(40, 40, 40, 20)]], 1)).toBeCloseTo(0.02, 12);
  });

  it('is 0 for an empty clip and refuses bad input', () => {
    expect(overBlurShare(clip([]), [])).toBe(0);
    const truth = clip([[]]);
    expect(() => overBlurShare(truth, [[]], 0)).toThrow(/enlarge/);
    expect(() => overBlurShare(truth, [[]], Number.NaN)).toThrow(/enlarge/);
    expect(() => overBlurShare(truth, [])).toThrow(/obscured has 0 frames/);
    expect(() => overBlurShare(truth, [[r(0, 0, 1, -1)]])).toThrow(RangeError);
  });
});

describe('totalObscuredArea', () => {
  it('sums the obscured pixels inside the frame over all frames', () => {
    const none = clip([[], [], []]);
    expect(totalObscuredArea(none, [[], [], []])).toBe(0);
    expect(totalObscuredArea(none, [[r(0, 0, 10, 10), r(5, 5, 10, 10)], [r(-5, -5, 10, 10)], [r(200, 0, 9, 9)]])).toBe(175 + 25);
    expect(() => totalObscuredArea(none, [[]])).toThrow(/obscured has 1 frames/);
  });
});
