import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFrameKernels } from './frame-kernels.ts';
import { yuv420ToRgb } from './obscure.ts';
import { resizeArea } from './rgb-resize.ts';
import { yuv420FrameBytes } from './y4m.ts';

/** Pseudo-random planes over the whole byte range: saturated colours, so the conversion's clamping is exercised. */
function noise(width: number, height: number, seed: number): Uint8Array {
  let state = seed >>> 0;
  return new Uint8Array(yuv420FrameBytes(width, height)).map(() => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state >>> 24;
  });
}

/** What the JS reference computes: the whole frame to RGB, then the area shrink. */
const reference = (yuv: Uint8Array, width: number, height: number, gain: number, dw: number, dh: number) =>
  resizeArea(yuv420ToRgb(yuv, width, height, undefined, gain), width, height, dw, dh, 1 / 127.5, -1);

function countDiffering(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let differing = 0;
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) differing++;
  return differing;
}

describe('frame kernels (WebAssembly)', () => {
  it('shrink a yuv420p frame bit for bit as the JS conversion and resize do', () => {
    const kernels = createFrameKernels();
    for (const [width, height, dw, dh] of [
      [1080, 1920, 405, 720], // the pipeline's level 0
      [1080, 1920, 432, 768],
      [97, 61, 40, 25], // odd sizes: a last pixel without a pair, a last chroma row of one luma row
      [33, 17, 33, 17], // same size
      [1, 1, 1, 1],
      [2, 3, 1, 1],
      [1078, 1918, 431, 767], // ratios that are not whole or halves
    ] as const) {
      const yuv = noise(width, height, width * height);
      for (const gain of [1, 2.37, 4]) {
        const got = kernels.shrinkYuv(yuv, width, height, gain, dw, dh);
        expect(countDiffering(got, reference(yuv, width, height, gain, dw, dh)), `${width}x${height} -> ${dw}x${dh} gain ${gain}`).toBe(0);
      }
    }
  });

  it('shrink RGB24 bytes (check and FaceMesh crops) bit for bit as the JS resize does, for both input ranges', () => {
    const kernels = createFrameKernels();
    for (const [side, dst] of [
      [370, 96], // a check crop
      [96, 96],
      [251, 192], // a FaceMesh crop
      [7, 3],
    ] as const) {
      const rgb = noise(side, side * 2, side).subarray(0, side * side * 3);
      for (const [gain, bias] of [
        [1 / 127.5, -1],
        [1 / 255, 0],
      ] as const) {
        const got = kernels.shrinkRgb(rgb, side, side, dst, dst, gain, bias);
        expect(countDiffering(got, resizeArea(rgb, side, side, dst, dst, gain, bias)), `${side} -> ${dst}`).toBe(0);
      }
    }
    expect(() => kernels.shrinkRgb(new Uint8Array(10), 2, 2, 1, 1, 1, 0)).toThrow(RangeError);
    expect(() => kernels.shrinkRgb(new Uint8Array(12), 2, 2, 3, 1, 1, 0)).toThrow(RangeError);
  });

  it('reuse their memory across frames of different sizes, and leave the caller\'s planes as they were', () => {
    const kernels = createFrameKernels();
    const small = noise(64, 48, 1);
    const large = noise(720, 1280, 2);
    const copy = Uint8Array.from(large);
    const first = kernels.shrinkYuv(small, 64, 48, 1, 20, 15);
    expect(Array.from(kernels.shrinkYuv(large, 720, 1280, 1.5, 270, 480))).toEqual(Array.from(reference(copy, 720, 1280, 1.5, 270, 480)));
    expect(large).toEqual(copy);
    // the earlier result is the caller's own copy, unchanged by later calls
    expect(Array.from(first)).toEqual(Array.from(reference(small, 64, 48, 1, 20, 15)));
    expect(Array.from(kernels.shrinkYuv(small, 64, 48, 1, 20, 15))).toEqual(Array.from(first));
  });

  it('refuse planes of the wrong size and sizes they cannot shrink to', () => {
    const kernels = createFrameKernels();
    const yuv = noise(8, 6, 3);
    expect(() => kernels.shrinkYuv(yuv.subarray(1), 8, 6, 1, 4, 3)).toThrow(RangeError);
    expect(() => kernels.shrinkYuv(yuv, 8, 6, 1, 9, 3)).toThrow(RangeError);
    expect(() => kernels.shrinkYuv(yuv, 8, 6, 1, 0, 3)).toThrow(RangeError);
    expect(() => kernels.shrinkYuv(yuv, 8, 6, 1, 2.5, 3)).toThrow(RangeError);
  });

  it('are the committed binary of frame-kernels.wat (infra/dev/build-wasm.mjs --check)', () => {
    const script = fileURLToPath(new URL('../../../../infra/dev/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
