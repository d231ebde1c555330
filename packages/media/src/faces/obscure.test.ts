import { describe, expect, it } from 'vitest';
import { alignBox, detectionGain, enlargeBox, mosaicBlockSize, mosaicYuv420, yuv420ToRgb } from './obscure.ts';
import { yuv420FrameBytes } from './y4m.ts';

/** A frame whose every luma pixel differs from its neighbours (a worst case for "detail left behind"). */
function noisyFrame(width: number, height: number): Buffer {
  const frame = Buffer.alloc(yuv420FrameBytes(width, height));
  for (let i = 0; i < frame.length; i++) frame[i] = (i * 7919) % 251;
  return frame;
}

describe('mosaic', () => {
  it('aligns boxes to even pixels inside the frame, or drops them when outside', () => {
    expect(alignBox({ x: 3, y: 5, width: 10, height: 10 }, 100, 100)).toEqual({ x: 2, y: 4, width: 12, height: 12 });
    expect(alignBox({ x: -20, y: 90, width: 30, height: 30 }, 100, 100)).toEqual({ x: 0, y: 90, width: 10, height: 10 });
    expect(alignBox({ x: 120, y: 0, width: 10, height: 10 }, 100, 100)).toBeNull();
  });

  it('uses at most 8 blocks across and blocks of at least 4 px', () => {
    expect(mosaicBlockSize({ x: 0, y: 0, width: 360, height: 200 })).toBe(46);
    expect(mosaicBlockSize({ x: 0, y: 0, width: 20, height: 20 })).toBe(4);
    expect(mosaicBlockSize({ x: 0, y: 0, width: 100, height: 100 }, { maxBlocksAcross: 4 })).toBe(26);
  });

  it('makes every block one flat value inside the box and leaves every pixel outside untouched', () => {
    const width = 64;
    const height = 48;
    const original = noisyFrame(width, height);
    const frame = Buffer.from(original);
    const [box] = mosaicYuv420(frame, width, height, [{ x: 10, y: 6, width: 32, height: 32 }]);
    expect(box).toEqual({ x: 10, y: 6, width: 32, height: 32 });
    const block = mosaicBlockSize(box!);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 10 && x < 42 && y >= 6 && y < 38;
        const value = frame[y * width + x];
        if (!inside) expect(value).toBe(original[y * width + x]);
        else {
          const bx = 10 + Math.floor((x - 10) / block) * block;
          const by = 6 + Math.floor((y - 6) / block) * block;
          expect(value).toBe(frame[by * width + bx]);
        }
      }
    }
    // Chroma outside the box's chroma area is untouched too.
    const u = width * height;
    expect(frame.subarray(u, u + 32 * 3).equals(original.subarray(u, u + 32 * 3))).toBe(true);
    // At most 8 x 8 distinct values are left of 32 x 32 pixels of noise.
    const values = new Set<number>();
    for (let y = 6; y < 38; y++) for (let x = 10; x < 42; x++) values.add(frame[y * width + x] as number);
    expect(values.size).toBeLessThanOrEqual(64);
  });

  it('ignores boxes outside the frame and clips those across its edge', () => {
    const frame = noisyFrame(16, 16);
    const before = Buffer.from(frame);
    expect(mosaicYuv420(frame, 16, 16, [{ x: 40, y: 40, width: 8, height: 8 }])).toEqual([]);
    expect(frame.equals(before)).toBe(true);
    expect(mosaicYuv420(frame, 16, 16, [{ x: 12, y: -4, width: 10, height: 10 }])).toEqual([{ x: 12, y: 0, width: 4, height: 6 }]);
  });

  it('enlarges boxes about their centre', () => {
    expect(enlargeBox({ x: 10, y: 10, width: 20, height: 40 }, 1.5)).toEqual({ x: 5, y: 0, width: 30, height: 60 });
  });
});

describe('yuv420ToRgb', () => {
  it('converts limited-range grey, white and a saturated colour', () => {
    const frame = Buffer.alloc(yuv420FrameBytes(2, 2));
    frame.fill(235, 0, 4);
    frame.fill(128, 4);
    expect(Array.from(yuv420ToRgb(frame, 2, 2).subarray(0, 3))).toEqual([255, 255, 255]);
    frame.fill(16, 0, 4);
    expect(Array.from(yuv420ToRgb(frame, 2, 2).subarray(0, 3))).toEqual([0, 0, 0]);
    // BT.601 red: Y 81, U 90, V 240
    frame.fill(81, 0, 4);
    frame[4] = 90;
    frame[5] = 240;
    const [r, g, b] = yuv420ToRgb(frame, 2, 2);
    expect(r).toBeGreaterThan(250);
    expect(g).toBeLessThan(5);
    expect(b).toBeLessThan(5);
  });

  it('gives exactly what the per-pixel BT.601 formula gives, for every luma value, chroma pairs and gains', () => {
    // The formula written out per pixel: what the detector was measured with (its inputs must not drift).
    const reference = (yv: number, uv: number, vv: number, gain: number) => {
      const c = 1.164 * gain * (yv - 16);
      const u = gain * (uv - 128);
      const v = gain * (vv - 128);
      const clamp = (n: number) => Math.trunc(n < 0 ? 0 : n > 255 ? 255 : n);
      return [clamp(c + 1.596 * v + 0.5), clamp(c - 0.392 * u - 0.813 * v + 0.5), clamp(c + 2.017 * u + 0.5)];
    };
    const width = 256;
    const height = 4;
    const frame = Buffer.alloc(yuv420FrameBytes(width, height));
    for (let i = 0; i < width * height; i++) frame[i] = i % 256;
    const chroma = (width / 2) * (height / 2);
    for (let i = 0; i < chroma; i++) {
      frame[width * height + i] = (i * 37) % 256;
      frame[width * height + chroma + i] = (i * 101 + 7) % 256;
    }
    for (const gain of [1, 1.7, 2.5, 4]) {
      const rgb = yuv420ToRgb(frame, width, height, undefined, gain);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const ci = (y >> 1) * (width / 2) + (x >> 1);
          const expected = reference(frame[y * width + x] as number, frame[width * height + ci] as number, frame[width * height + chroma + ci] as number, gain);
          expect(Array.from(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)), `${x},${y} gain ${gain}`).toEqual(expected);
        }
      }
    }
  });
});

describe('detectionGain', () => {
  it('lifts a dim frame for the detector (at most 4x) and leaves a lit one alone', () => {
    const frame = Buffer.alloc(yuv420FrameBytes(100, 100), 128);
    expect(detectionGain(frame, 100, 100)).toBe(1);
    frame.fill(80, 0, 100 * 100);
    expect(detectionGain(frame, 100, 100)).toBeCloseTo((200 - 16) / (80 - 16), 5);
    frame.fill(20, 0, 100 * 100);
    expect(detectionGain(frame, 100, 100)).toBe(4);
  });
});
