import { describe, expect, it } from 'vitest';
import { resizeToModelInput, shrinkModelInput } from './rgb-resize.ts';

const toByte = (v: number) => (v + 1) * 127.5;

describe('resizeToModelInput', () => {
  it('maps bytes to [-1, 1] unchanged in size', () => {
    const out = resizeToModelInput(Uint8Array.from([0, 255, 51, 102, 153, 204]), 2, 1, 2, 1);
    expect(Array.from(out, (v) => Math.round(toByte(v)))).toEqual([0, 255, 51, 102, 153, 204]);
    expect(out[0]).toBeCloseTo(-1);
    expect(out[1]).toBeCloseTo(1);
  });

  it('averages whole blocks when shrinking by an integer factor', () => {
    // 4x2 red ramp -> 2x1: each output is the mean of a 2x2 block
    const red = [0, 40, 80, 120, 10, 50, 90, 130];
    const rgb = new Uint8Array(8 * 3);
    for (const [i, v] of red.entries()) rgb.set([v, 255 - v, 7], i * 3);
    const out = resizeToModelInput(rgb, 4, 2, 2, 1);
    expect(toByte(out[0] as number)).toBeCloseTo((0 + 40 + 10 + 50) / 4, 3);
    expect(toByte(out[3] as number)).toBeCloseTo((80 + 120 + 90 + 130) / 4, 3);
    expect(toByte(out[1] as number)).toBeCloseTo(255 - 25, 3);
    expect(toByte(out[5] as number)).toBeCloseTo(7, 3);
  });

  it('weights partly covered pixels by the part covered (3 -> 2)', () => {
    // output 0 covers source 0 and half of 1; output 1 the other half of 1 and 2
    const rgb = Uint8Array.from([0, 0, 0, 90, 90, 90, 180, 180, 180]);
    const out = resizeToModelInput(rgb, 3, 1, 2, 1);
    expect(toByte(out[0] as number)).toBeCloseTo((0 * 1 + 90 * 0.5) / 1.5, 3);
    expect(toByte(out[3] as number)).toBeCloseTo((90 * 0.5 + 180 * 1) / 1.5, 3);
  });

  it('keeps a flat picture flat at any scale', () => {
    const rgb = new Uint8Array(37 * 23 * 3).fill(200);
    const out = resizeToModelInput(rgb, 37, 23, 11, 7);
    for (const v of out) expect(toByte(v)).toBeCloseTo(200, 3);
  });

  it('refuses a wrong byte count, enlarging and empty outputs', () => {
    expect(() => resizeToModelInput(new Uint8Array(10), 2, 2, 1, 1)).toThrow(RangeError);
    expect(() => resizeToModelInput(new Uint8Array(12), 2, 2, 3, 2)).toThrow(RangeError);
    expect(() => resizeToModelInput(new Uint8Array(12), 2, 2, 0, 1)).toThrow(RangeError);
    expect(() => resizeToModelInput(new Uint8Array(12), 2, 2, 1.5, 1)).toThrow(RangeError);
  });
});

describe('shrinkModelInput', () => {
  it('gives what shrinking the bytes directly gives', () => {
    const rgb = new Uint8Array(64 * 48 * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) % 251;
    const direct = resizeToModelInput(rgb, 64, 48, 16, 12);
    const chained = shrinkModelInput(resizeToModelInput(rgb, 64, 48, 32, 24), 32, 24, 16, 12);
    for (let i = 0; i < direct.length; i++) expect(chained[i]).toBeCloseTo(direct[i] as number, 4);
  });
});
