import { describe, expect, it } from 'vitest';
import { cropSquare, rgbPixels, yuvPixels } from './frame-pixels.ts';
import { yuv420ToRgb } from './obscure.ts';
import { resizeToModelInput } from './rgb-resize.ts';
import { yuv420FrameBytes } from './y4m.ts';

/** A yuv420p frame with a smooth, colourful, unsaturated picture (a gradient and a soft disc). */
function picture(width: number, height: number): Uint8Array {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const yuv = new Uint8Array(yuv420FrameBytes(width, height));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) yuv[y * width + x] = 40 + Math.round((150 * (x + y)) / (width + height)) + ((x * 7 + y * 3) % 11);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const d = Math.hypot(x - cw / 2, y - ch / 2) / Math.max(cw, ch);
      yuv[width * height + y * cw + x] = 128 + Math.round(30 * Math.cos(6 * d));
      yuv[width * height + cw * ch + y * cw + x] = 128 - Math.round(25 * Math.sin(5 * d));
    }
  }
  return yuv;
}

describe('yuvPixels', () => {
  it('shrinks exactly like converting the whole frame to RGB and then shrinking it', () => {
    for (const [width, height, dw, dh] of [
      [96, 160, 36, 60],
      [97, 61, 40, 25], // odd sizes
      [64, 48, 48, 36],
      [270, 480, 101, 180], // the pipeline's 1080x1920 -> level 0 ratios (x2.67), a quarter of the size
      [90, 160, 90, 160], // same size: every row once
    ] as const) {
      const yuv = picture(width, height);
      for (const gain of [1, 2.5]) {
        const direct = yuvPixels({ yuv, width, height }, gain).shrink(dw, dh);
        const viaRgb = resizeToModelInput(yuv420ToRgb(Buffer.from(yuv), width, height, undefined, gain), width, height, dw, dh);
        expect(Array.from(direct), `${width}x${height} -> ${dw}x${dh} gain ${gain}`).toEqual(Array.from(viaRgb));
      }
    }
  });

  it('crops exactly like converting the frame to RGB first, mirrored past the edges, with the dark-frame gain', () => {
    const width = 31;
    const height = 20;
    const yuv = picture(width, height);
    for (const gain of [1, 2.5]) {
      const rgb = { rgb: yuv420ToRgb(Buffer.from(yuv), width, height, undefined, gain), width, height };
      const pixels = yuvPixels({ yuv, width, height }, gain);
      for (const [left, top, side] of [
        [3, 4, 10], // inside
        [-4, -3, 12], // past the top-left corner
        [25, 12, 12], // past the bottom-right corner
        [-40, 5, 8], // wholly outside on the left (clamped)
        [0, 0, 31], // the whole width
      ] as const) {
        expect(Array.from(pixels.crop(left, top, side)), `${left},${top} ${side} gain ${gain}`).toEqual(Array.from(cropSquare(rgb, left, top, side)));
      }
    }
  });

  it('brightens a dark frame by its own detection gain unless told otherwise, and refuses a wrong byte count', () => {
    const width = 40;
    const height = 40;
    const yuv = new Uint8Array(yuv420FrameBytes(width, height)).fill(128);
    yuv.fill(40, 0, width * height); // a dim grey room
    const [own] = yuvPixels({ yuv, width, height }).crop(10, 10, 1);
    const [plain] = yuvPixels({ yuv, width, height }, 1).crop(10, 10, 1);
    expect(plain).toBe(Math.round(1.164 * 24));
    expect(own).toBeGreaterThan(2.5 * (plain as number));
    expect(() => yuvPixels({ yuv: new Uint8Array(10), width, height })).toThrow(RangeError);
  });

  it('rgbPixels reads an RGB frame the same way', () => {
    const rgb = new Uint8Array(8 * 6 * 3).map((_, i) => (i * 13) % 256);
    const frame = { rgb, width: 8, height: 6 };
    expect(Array.from(rgbPixels(frame).crop(-1, 2, 4))).toEqual(Array.from(cropSquare(frame, -1, 2, 4)));
    expect(Array.from(rgbPixels(frame).shrink(4, 3))).toEqual(Array.from(resizeToModelInput(rgb, 8, 6, 4, 3)));
  });
});
