import { describe, expect, it } from 'vitest';
import { alreadyConfirmed, checkFaces, EDGE_CHECK_MIN_VISIBLE, edgeCrop, type FaceMeshModel, MESH_INPUT, MESH_MAX_BOXES, meshCrop } from './face-check.ts';
import { rgbPixels } from './frame-pixels.ts';
import { resizeToUnitInput } from './rgb-resize.ts';

const frame = { rgb: new Uint8Array(1000 * 800 * 3).fill(255), width: 1000, height: 800 };
const box = (x: number, y: number, size: number) => ({ x, y, width: size, height: size, score: 0.9 });

/** A fake FaceMesh answering, per input, from a queue; records batch sizes and the inputs' value range. */
function fakeMesh(scores: number[]) {
  const calls: { count: number; min: number; max: number }[] = [];
  const model: FaceMeshModel = {
    async run(inputs, count) {
      expect(inputs.length).toBe(count * MESH_INPUT * MESH_INPUT * 3);
      calls.push({ count, min: Math.min(...inputs.subarray(0, 1000)), max: Math.max(...inputs.subarray(0, 1000)) });
      return Float32Array.from(scores.splice(0, count));
    },
    dispose: async () => {},
  };
  return { model, calls };
}

describe('meshCrop', () => {
  it('is a square 1.4x the box about its centre, only when wholly inside the frame and the box is not tiny', () => {
    expect(meshCrop(box(100, 100, 100), 1000, 800)).toEqual({ left: 80, top: 80, side: 140 });
    expect(meshCrop(box(10, 100, 100), 1000, 800)).toBeNull(); // reaches past the left edge
    expect(meshCrop(box(900, 700, 90), 1000, 800)).toBeNull();
    expect(meshCrop(box(500, 500, 10), 1000, 800)).toBeNull();
  });
});

describe('edgeCrop', () => {
  it('is the same square for a box cut by one side of the frame, mostly inside; null in a corner, far outside or inside', () => {
    // past the left edge by 10 of 140: the crop meshCrop would take, mirrored there by the frame's pixels
    expect(edgeCrop(box(10, 100, 100), 1000, 800)).toEqual({ left: -10, top: 80, side: 140 });
    expect(edgeCrop(box(930, 300, 100), 1000, 800)).toEqual({ left: 910, top: 280, side: 140 }); // right edge
    expect(edgeCrop(box(400, 700, 100), 1000, 800)).toEqual({ left: 380, top: 680, side: 140 }); // bottom edge
    expect(edgeCrop(box(0, 0, 100), 1000, 800)).toBeNull(); // a corner: mirrored twice
    expect(edgeCrop(box(100, 100, 100), 1000, 800)).toBeNull(); // inside: meshCrop's
    expect(edgeCrop(box(-200, 100, 900), 1000, 800)).toBeNull(); // past both the left and the right side
    expect(edgeCrop(box(500, 500, 10), 1000, 800)).toBeNull(); // tiny
    // visible share of the crop's side along the edge it crosses: at least EDGE_CHECK_MIN_VISIBLE
    const side = 140;
    const justEnough = Math.ceil(side * EDGE_CHECK_MIN_VISIBLE);
    expect(edgeCrop(box(justEnough - side + 20, 300, 100), 1000, 800)).not.toBeNull();
    expect(edgeCrop(box(justEnough - side + 18, 300, 100), 1000, 800)).toBeNull();
  });
});

describe('checkFaces', () => {
  it('scores every checkable box in one batch of [0, 1] inputs, largest first, and leaves the others unscored', async () => {
    const { model, calls } = fakeMesh([0.9, 0.1]);
    const boxes = [box(100, 100, 50), box(0, 0, 60), box(400, 300, 200)];
    const out = await checkFaces(model, rgbPixels(frame), boxes);
    expect(calls).toEqual([{ count: 2, min: 1, max: 1 }]);
    expect(out[0]?.faceScore).toBeCloseTo(0.1);
    expect(out[1]?.faceScore).toBeUndefined();
    expect(out[2]?.faceScore).toBeCloseTo(0.9);
    // the caller's boxes are not changed
    expect(boxes.every((b) => !('faceScore' in b))).toBe(true);
  });

  it('scores a box cut by one edge on its mirrored crop, apart from the inside checks, in the same batch', async () => {
    const { model, calls } = fakeMesh([0.9, 0.04]);
    const out = await checkFaces(model, rgbPixels(frame), [box(5, 300, 100), box(400, 300, 120)]);
    expect(calls.map((c) => c.count)).toEqual([2]);
    expect(out[1]?.faceScore).toBeCloseTo(0.9); // the larger crop first
    expect(out[0]?.faceScore).toBeUndefined();
    expect(out[0]?.edgeFaceScore).toBeCloseTo(0.04);
    expect(out[1]?.edgeFaceScore).toBeUndefined();
  });

  it('runs nothing when no box can be checked, and checks at most MESH_MAX_BOXES', async () => {
    const none = fakeMesh([]);
    expect(await checkFaces(none.model, rgbPixels(frame), [box(0, 0, 100)])).toEqual([box(0, 0, 100)]);
    expect(none.calls).toEqual([]);
    const many = fakeMesh(Array(40).fill(0.8));
    const boxes = Array.from({ length: 20 }, (_, i) => box(50 + (i % 10) * 90, 100 + Math.floor(i / 10) * 300, 40 + i));
    const out = await checkFaces(many.model, rgbPixels(frame), boxes);
    expect(many.calls.map((c) => c.count)).toEqual([MESH_MAX_BOXES]);
    // the largest ones were checked
    expect(out.filter((b) => b.faceScore !== undefined).every((b) => b.width >= 40 + 20 - MESH_MAX_BOXES)).toBe(true);
  });
});

describe('faces already confirmed', () => {
  it('matches a box near a known face of a similar size, not a far or differently sized one', () => {
    const known = [{ x: 100, y: 100, width: 100, height: 100 }];
    expect(alreadyConfirmed(box(130, 120, 110), known)).toBe(true); // moved 35 px, a little larger
    expect(alreadyConfirmed(box(170, 100, 100), known)).toBe(false); // moved 70 px: more than half its size
    expect(alreadyConfirmed(box(140, 140, 40), known)).toBe(false); // something small inside it (an eye, a badge)
    expect(alreadyConfirmed(box(60, 60, 180), known)).toBe(false); // much larger around it
    expect(alreadyConfirmed(box(100, 100, 100), [])).toBe(false);
  });

  it('leaves boxes of confirmed faces unchecked and checks the rest', async () => {
    const { model, calls } = fakeMesh([0.02]);
    const out = await checkFaces(model, rgbPixels(frame), [box(100, 100, 100), box(500, 300, 120)], [{ x: 105, y: 95, width: 100, height: 100 }]);
    expect(calls.map((c) => c.count)).toEqual([1]);
    expect(out[0]?.faceScore).toBeUndefined();
    expect(out[1]?.faceScore).toBeCloseTo(0.02);
  });
});

describe('resizeToUnitInput', () => {
  it('maps bytes to [0, 1], shrinking by area and enlarging by nearest pixel', () => {
    const rgb = Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]); // 2x2 checker
    expect(Array.from(resizeToUnitInput(rgb, 2, 2, 1, 1))).toEqual([0.5, 0.5, 0.5]);
    const big = resizeToUnitInput(rgb, 2, 2, 4, 4);
    expect(big).toHaveLength(4 * 4 * 3);
    expect(Array.from(big.subarray(0, 12).filter((_, i) => i % 3 === 0))).toEqual([0, 0, 1, 1]);
    expect(() => resizeToUnitInput(rgb, 3, 2, 4, 4)).toThrow(RangeError);
  });
});
