import { describe, expect, it } from 'vitest';
import { BLAZEFACE_HEADS, type BlazeFaceHead, decodeBlazeFace, gridSize } from './blazeface-decode.ts';

const logitOf = (p: number) => Math.log(p / (1 - p));

/** Empty heads for an input of width x height: every anchor scores ~0. */
function heads(width: number, height: number): BlazeFaceHead[] {
  return BLAZEFACE_HEADS.map((h) => {
    const anchors = gridSize(width, h.stride) * gridSize(height, h.stride) * h.anchorsPerCell;
    return { ...h, logits: new Float32Array(anchors).fill(-20), regressors: new Float32Array(anchors * 16) };
  });
}

function setAnchor(head: BlazeFaceHead, index: number, score: number, reg: [number, number, number, number]): void {
  head.logits[index] = logitOf(score);
  head.regressors.set(reg, index * 16);
}

describe('decodeBlazeFace', () => {
  it('has the model\'s own 512 + 384 anchors on a 256x256 input', () => {
    const [h16, h32] = heads(256, 256);
    expect(h16?.logits.length).toBe(512);
    expect(h32?.logits.length).toBe(384);
  });

  it('places a stride-16 anchor at its cell centre plus the regressed offset, sized by the regressor', () => {
    const [h16, h32] = heads(512, 256) as [BlazeFaceHead, BlazeFaceHead];
    // cell (x 3, y 2) of a 32-column grid, its second anchor: index (2 * 32 + 3) * 2 + 1
    setAnchor(h16, (2 * 32 + 3) * 2 + 1, 0.9, [4, -2, 20, 24]);
    const boxes = decodeBlazeFace([h16, h32], 512, 256, 0.5);
    expect(boxes).toHaveLength(1);
    const [box] = boxes;
    // centre (3.5 * 16 + 4, 2.5 * 16 - 2) = (60, 38)
    expect(box?.x).toBeCloseTo(60 - 10);
    expect(box?.y).toBeCloseTo(38 - 12);
    expect(box?.width).toBeCloseTo(20);
    expect(box?.height).toBeCloseTo(24);
    expect(box?.score).toBeCloseTo(0.9);
    expect(box?.eyeTilt).toBe(0);
  });

  it('measures the tilt of the eye line from the first two keypoints, as a fraction of the box height', () => {
    const [h16, h32] = heads(256, 256) as [BlazeFaceHead, BlazeFaceHead];
    setAnchor(h16, 0, 0.9, [0, 0, 40, 50]);
    h16.regressors.set([-8, -10, 8, 5], 4); // right eye (-8, -10), left eye (8, 5): 15 px apart in height
    const [box] = decodeBlazeFace([h16, h32], 256, 256, 0.5);
    expect(box?.eyeTilt).toBeCloseTo(15 / 50);
  });

  it('decodes the stride-32 head with 6 anchors per cell, rounding partial cells up', () => {
    // 100x70 -> 4x3 cells of 32
    const [h16, h32] = heads(100, 70) as [BlazeFaceHead, BlazeFaceHead];
    expect(h32.logits.length).toBe(4 * 3 * 6);
    setAnchor(h32, (2 * 4 + 3) * 6 + 5, 0.7, [0, 0, 64, 64]);
    const [box] = decodeBlazeFace([h16, h32], 100, 70, 0.5);
    expect(box).toMatchObject({ x: 3.5 * 32 - 32, y: 2.5 * 32 - 32, width: 64, height: 64 });
  });

  it('keeps only anchors at or above the score threshold and drops degenerate sizes', () => {
    const [h16, h32] = heads(256, 256) as [BlazeFaceHead, BlazeFaceHead];
    setAnchor(h16, 0, 0.49, [0, 0, 10, 10]);
    setAnchor(h16, 1, 0.51, [0, 0, 10, 10]);
    setAnchor(h16, 2, 0.99, [0, 0, 0, 10]);
    setAnchor(h32, 0, 0.99, [0, 0, 10, Number.NaN]);
    const boxes = decodeBlazeFace([h16, h32], 256, 256, 0.5);
    expect(boxes.map((b) => b.score.toFixed(2))).toEqual(['0.51']);
  });

  it('refuses heads that do not match the input size', () => {
    expect(() => decodeBlazeFace(heads(256, 256), 288, 256, 0.5)).toThrow(RangeError);
  });
});
