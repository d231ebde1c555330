import { describe, expect, it } from 'vitest';
import type { BlazeFaceModel } from './blazeface-model.ts';
import { cropSquare, rgbPixels } from './frame-pixels.ts';
import { detectPyramid, IMPLAUSIBLE, mirrorPad, VERIFY_FACE, VERIFY_INPUT } from './pyramid-detect.ts';
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
  it('mirrors the picture out on every side (edge pixels repeated) and fills the alignment with black', async () => {
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

  it('returns the picture itself when nothing is added', async () => {
    const pixels = picture([1, 2, 3, 4]);
    expect(mirrorPad(pixels, level(2, 2, 0, 2, 2))).toBe(pixels);
  });
});

describe('cropSquare', () => {
  // 3x2 frame, pixel value = 10 * (index + 1) in all channels
  const frame = { rgb: Uint8Array.from([10, 20, 30, 40, 50, 60].flatMap((v) => [v, v, v])), width: 3, height: 2 };
  const values = (rgb: Uint8Array) => Array.from(rgb.filter((_, i) => i % 3 === 0));

  it('copies a square inside the frame', async () => {
    expect(values(cropSquare(frame, 1, 0, 2))).toEqual([20, 30, 50, 60]);
  });

  it('mirrors where the square reaches past the edges', async () => {
    expect(values(cropSquare(frame, -1, -1, 3))).toEqual([10, 10, 20, 10, 10, 20, 40, 40, 50]);
    expect(values(cropSquare(frame, 2, 1, 2))).toEqual([60, 60, 60, 60]);
  });
});

type RawBox = { x: number; y: number; width: number; height: number; score: number; eyeTilt?: number };

/** A fake model answering by input width, to test the mapping alone (the real model is tested in test/). */
function fakeModel(boxesByInputWidth: Record<number, RawBox[]>, seen: { width: number; count: number }[] = []): BlazeFaceModel {
  const answer = (width: number, minScore: number) =>
    (boxesByInputWidth[width] ?? []).filter((b) => b.score >= minScore).map((b) => ({ eyeTilt: 0, ...b }));
  return {
    run: async (input, width, height, minScore) => {
      expect(input.length).toBe(width * height * 3);
      seen.push({ width, count: 1 });
      return answer(width, minScore);
    },
    runBatch: async (inputs, count, width, height, minScore) => {
      expect(inputs.length).toBe(count * width * height * 3);
      seen.push({ width, count });
      return Array.from({ length: count }, () => answer(width, minScore));
    },
    dispose: async () => {},
  };
}

const round = (boxes: RawBox[]) =>
  boxes.map((b) => ({ x: +b.x.toFixed(6), y: +b.y.toFixed(6), width: +b.width.toFixed(6), height: +b.height.toFixed(6), score: b.score }));

describe('detectPyramid', () => {
  const frame = { rgb: new Uint8Array(200 * 100 * 3), width: 200, height: 100 };

  it('maps boxes back through the padding and the scale, clips them to the frame, and blends duplicates', async () => {
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
    expect(round(await detectPyramid(model, rgbPixels(frame), levels, { minScore: 0.5, iouThreshold: 0.3 }))).toEqual([
      { x: 20, y: 40, width: 20, height: 20, score: 0.9 },
      { x: 184, y: 24, width: 16, height: 20, score: 0.7 },
      { x: 10, y: 30, width: 60, height: 60, score: 0.6 },
    ]);
  });

  it('checks small unsure boxes of the finest level again in one batch of crops, and reports what the crops confirm', async () => {
    const big = { rgb: new Uint8Array(1000 * 1000 * 3), width: 1000, height: 1000 };
    const levels = [level(400, 400, 0, 416, 416, 0.4)];
    const seen: { width: number; count: number }[] = [];
    // the crop is centred on the candidate: a face there sits in the middle of the crop
    const mid = VERIFY_INPUT / 2;
    const model = fakeModel(
      {
        416: [
          { x: 100, y: 100, width: 10, height: 10, score: 0.3 }, // small and unsure: checked, confirmed below
          { x: 300, y: 300, width: 10, height: 10, score: 0.1 }, // under candidateScore: ignored
          { x: 200, y: 40, width: VERIFY_FACE + 4, height: VERIFY_FACE + 4, score: 0.3 }, // unsure but not small: dropped
        ],
        [VERIFY_INPUT]: [{ x: mid - VERIFY_FACE / 2, y: mid - VERIFY_FACE / 2, width: VERIFY_FACE, height: VERIFY_FACE, score: 0.8 }],
      },
      seen,
    );
    const boxes = await detectPyramid(model, rgbPixels(big), levels, { minScore: 0.5, iouThreshold: 0.3, candidateScore: 0.2 });
    expect(seen).toEqual([
      { width: 416, count: 1 },
      { width: VERIFY_INPUT, count: 1 },
    ]);
    // candidate: frame (250, 250) 25x25 -> crop of 25 * 96 / 26 = 92 -> 96 px (never enlarged), face 26 px in it
    expect(boxes).toHaveLength(1);
    expect(boxes[0]?.score).toBe(0.8);
    // (the crop's corner is rounded to whole pixels)
    expect(Math.abs((boxes[0]?.x ?? 0) + (boxes[0]?.width ?? 0) / 2 - 262.5)).toBeLessThanOrEqual(1);
    expect(Math.abs((boxes[0]?.y ?? 0) + (boxes[0]?.height ?? 0) / 2 - 262.5)).toBeLessThanOrEqual(1);
    expect(boxes[0]?.width).toBeCloseTo(VERIFY_FACE);
  });

  it('reports nothing for unsure boxes the crops do not confirm, and runs no crops without a candidateScore', async () => {
    const levels = [level(100, 50, 0, 128, 64, 0.5)];
    const seen: { width: number; count: number }[] = [];
    const model = fakeModel({ 128: [{ x: 10, y: 10, width: 8, height: 8, score: 0.3 }] }, seen);
    expect(await detectPyramid(model, rgbPixels(frame), levels, { minScore: 0.5, iouThreshold: 0.3, candidateScore: 0.2 })).toEqual([]);
    expect(seen.map((s) => s.width)).toEqual([128, VERIFY_INPUT]);
    seen.length = 0;
    expect(await detectPyramid(model, rgbPixels(frame), levels, { minScore: 0.5, iouThreshold: 0.3 })).toEqual([]);
    expect(seen.map((s) => s.width)).toEqual([128]);
  });

  it('drops a large unsure box inside the picture whose eye line is steeply tilted (the coffee cup), and nothing else', async () => {
    const levels = [level(400, 400, 10, 448, 448, 0.4)];
    const size = IMPLAUSIBLE.minSize + 10;
    const tilted = IMPLAUSIBLE.eyeTilt + 0.1;
    const model = fakeModel({
      448: [
        { x: 50, y: 50, width: size, height: size, score: 0.6, eyeTilt: tilted }, // dropped
        { x: 150, y: 50, width: size, height: size, score: 0.9, eyeTilt: tilted }, // sure: a rolled face, kept
        { x: 250, y: 50, width: size, height: size, score: 0.6, eyeTilt: 0.05 }, // level eyes: kept
        { x: 0, y: 200, width: size, height: size, score: 0.6, eyeTilt: tilted }, // reaches into the mirror: kept
        { x: 50, y: 300, width: 20, height: 20, score: 0.55, eyeTilt: tilted }, // small (noisy keypoints): kept
      ],
    });
    const frame1000 = { rgb: new Uint8Array(1000 * 1000 * 3), width: 1000, height: 1000 };
    const boxes = await detectPyramid(model, rgbPixels(frame1000), levels, { minScore: 0.5, iouThreshold: 0.3 });
    expect(boxes.map((b) => Math.round(b.x))).toEqual([350, 600, 0, 100]);
  });
});

