import { describe, expect, it } from 'vitest';
import type { BlazeFaceModel } from './blazeface-model.ts';
import { detectPyramid, mirrorPad } from './pyramid-detect.ts';
import type { ScaleLevel } from './scale-plan.ts';

const level = (width: number, height: number, pad: number, inputWidth: number, inputHeight: number, scale = 1, minBox = 0): ScaleLevel => ({
  scale,
  width,
  height,
  pad,
  inputWidth,
  inputHeight,
  minBox,
});

/** One channel value per pixel (the same in R, G and B), row by row. */
const picture = (values: number[]) => Float32Array.from(values.flatMap((v) => [v, v, v]));
const channel = (pixels: Float32Array) => Array.from(pixels.filter((_, i) => i % 3 === 0));

describe('mirrorPad', () => {
  it('mirrors the picture out on every side (edge pixels repeated) and fills the alignment with black', () => {
    // 3x2 picture, pad 2, into a 8x7 input
    const out = mirrorPad(picture([1, 2, 3, 4, 5, 6]), level(3, 2, 2, 8, 7));
    const rows = channel(out);
    const row = (y: number) => rows.slice(y * 8, y * 8 + 8);
    expect(row(0)).toEqual([5, 4, 4, 5, 6, 6, 5, -1]); // mirrored second row
    expect(row(1)).toEqual([2, 1, 1, 2, 3, 3, 2, -1]); // mirrored first row
    expect(row(2)).toEqual([2, 1, 1, 2, 3, 3, 2, -1]);
    expect(row(3)).toEqual([5, 4, 4, 5, 6, 6, 5, -1]);
    expect(row(4)).toEqual([5, 4, 4, 5, 6, 6, 5, -1]);
    expect(row(5)).toEqual([2, 1, 1, 2, 3, 3, 2, -1]);
    expect(row(6)).toEqual(Array(8).fill(-1));
  });

  it('returns the picture itself when nothing is added', () => {
    const pixels = picture([1, 2, 3, 4]);
    expect(mirrorPad(pixels, level(2, 2, 0, 2, 2))).toBe(pixels);
  });
});

describe('detectPyramid', () => {
  // a fake model that reports fixed boxes (input px) on inputs of a given width, to test the mapping alone
  function fakeModel(boxesByInputWidth: Record<number, { x: number; y: number; width: number; height: number; score: number }[]>): BlazeFaceModel {
    return {
      run: (input, width, height) => {
        expect(input.length).toBe(width * height * 3);
        return boxesByInputWidth[width] ?? [];
      },
      dispose() {},
    };
  }
  const frame = { rgb: new Uint8Array(200 * 100 * 3), width: 200, height: 100 };

  it('maps boxes back through the padding and the scale, clips them to the frame, and blends duplicates', () => {
    const levels = [level(100, 50, 8, 128, 96, 0.5), level(20, 10, 8, 64, 32, 0.1, 5)];
    const model = fakeModel({
      128: [
        { x: 18, y: 28, width: 10, height: 10, score: 0.9 }, // frame (20, 40) 20x20
        { x: 0, y: 0, width: 6, height: 6, score: 0.8 }, // inside the mirrored border only: dropped
        { x: 100, y: 20, width: 16, height: 10, score: 0.7 }, // reaches past the right edge: clipped
      ],
      64: [
        { x: 10, y: 12, width: 2, height: 2, score: 0.95 }, // same face as the first, but smaller than minBox: dropped
        { x: 9, y: 11, width: 6, height: 6, score: 0.6 }, // frame (10, 30) 60x60
      ],
    });
    const boxes = detectPyramid(model, frame, levels, { minScore: 0.5, iouThreshold: 0.3 });
    const rounded = boxes.map((b) => ({ x: +b.x.toFixed(6), y: +b.y.toFixed(6), width: +b.width.toFixed(6), height: +b.height.toFixed(6), score: b.score }));
    expect(rounded).toEqual([
      { x: 20, y: 40, width: 20, height: 20, score: 0.9 },
      { x: 184, y: 24, width: 16, height: 20, score: 0.7 },
      { x: 10, y: 30, width: 60, height: 60, score: 0.6 },
    ]);
  });
});
