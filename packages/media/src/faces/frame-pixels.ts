// What the detector reads from a frame: the whole frame shrunk to a pyramid level, and square crops at full
// resolution (check crops, FaceMesh crops). Two sources: RGB24 pictures (tests, benchmarks) and the pipeline's
// decoded yuv420p frames as they come from the decoder, converted to RGB in the detector's thread (the pipeline's
// thread only passes the planes on: half the bytes of RGB, and the conversion off the thread that feeds ffmpeg).
import { type Box, detectionGain, yuv420ToRgb, yuvRowToRgb } from './obscure.ts';
import { threadKernels } from './frame-kernels.ts';
import { resizeToModelInput } from './rgb-resize.ts';
import type { RgbFrame } from './tiles.ts';
import { yuv420FrameBytes } from './y4m.ts';

/** A decoded yuv420p frame (Y plane, then U and V at half size, rounded up). */
export interface Yuv420Frame {
  yuv: Uint8Array;
  width: number;
  height: number;
}

export interface FramePixels {
  width: number;
  height: number;
  /** The whole frame shrunk by area averaging to dstWidth x dstHeight, as BlazeFace input (RGB in [-1, 1], HWC). */
  shrink(dstWidth: number, dstHeight: number): Float32Array;
  /** A side x side square with its top-left at (left, top), mirrored where it reaches past the edges: RGB24. */
  crop(left: number, top: number, side: number): Uint8Array;
}

/** ... 2 1 0 | 0 1 2 ... n-1 | n-1 n-2 ... (edge pixel repeated); far outside, clamped. */
export const reflect = (i: number, n: number): number => {
  if (i < 0) return Math.min(n - 1, -i - 1);
  if (i >= n) return Math.max(0, 2 * n - i - 1);
  return i;
};

/** A side x side square (whole pixels) centred on a box: where a crop around a face is taken. */
export function squareAbout(box: Box, side: number): { left: number; top: number; side: number } {
  return { left: Math.round(box.x + box.width / 2 - side / 2), top: Math.round(box.y + box.height / 2 - side / 2), side };
}

/** Source columns of a crop (mirrored past the edges), or null when it lies wholly inside. */
const cropColumns = (left: number, side: number, width: number): Int32Array | null =>
  left >= 0 && left + side <= width ? null : Int32Array.from({ length: side }, (_, i) => reflect(left + i, width));

/** A side x side square of an RGB frame with its top-left at (left, top), mirrored where it reaches past the edges. */
export function cropSquare(frame: RgbFrame, left: number, top: number, side: number): Uint8Array {
  const { rgb, width, height } = frame;
  const out = new Uint8Array(side * side * 3);
  const xs = cropColumns(left, side, width);
  for (let y = 0; y < side; y++) {
    const row = reflect(top + y, height) * width * 3;
    let d = y * side * 3;
    if (!xs) {
      out.set(rgb.subarray(row + left * 3, row + (left + side) * 3), d);
      continue;
    }
    for (let x = 0; x < side; x++, d += 3) {
      const s = row + (xs[x] as number) * 3;
      out[d] = rgb[s] as number;
      out[d + 1] = rgb[s + 1] as number;
      out[d + 2] = rgb[s + 2] as number;
    }
  }
  return out;
}

export function rgbPixels(frame: RgbFrame): FramePixels {
  return {
    width: frame.width,
    height: frame.height,
    shrink: (dstWidth, dstHeight) => resizeToModelInput(frame.rgb, frame.width, frame.height, dstWidth, dstHeight),
    crop: (left, top, side) => cropSquare(frame, left, top, side),
  };
}

/**
 * A yuv420p frame as RGB24 (obscure.ts's yuv420ToRgb, BT.601 limited range) brightened by `gain` (default: the
 * frame's own detectionGain, the dark-frame lift, for the detector only).
 */
export function yuvToRgbFrame(frame: Yuv420Frame, gain = detectionGain(frame.yuv, frame.width, frame.height)): RgbFrame {
  return { rgb: yuv420ToRgb(frame.yuv, frame.width, frame.height, undefined, gain), width: frame.width, height: frame.height };
}

/**
 * A side x side square of a yuv420p frame as RGB24, converted pixel by pixel exactly as yuv420ToRgb converts the
 * whole frame (brightened by `gain`), with its top-left at (left, top), mirrored where it reaches past the edges.
 */
export function cropSquareYuv(frame: Yuv420Frame, gain: number, left: number, top: number, side: number): Uint8Array {
  const { yuv, width, height } = frame;
  const out = new Uint8Array(side * side * 3);
  const xs = cropColumns(left, side, width) ?? Int32Array.from({ length: side }, (_, i) => left + i);
  let o = 0;
  for (let y = 0; y < side; y++) o = yuvRowToRgb(yuv, width, height, reflect(top + y, height), xs, out, o, gain);
  return out;
}

/**
 * A yuv420p frame read as RGB exactly as yuvToRgbFrame makes it, without converting the whole frame in JS: the
 * shrink runs in WebAssembly (frame-kernels.ts, bit for bit the JS result, ~2.5x faster), crops convert only their
 * own pixels. Converting at chroma resolution instead was ~0.8 s faster per 15 s clip, but its small differences
 * flipped FaceMesh's verdict on a face cut by the frame edge in the edge clip, leaving a real face unobscured: the
 * detector sees what the RGB path saw.
 */
export function yuvPixels(frame: Yuv420Frame, gain = detectionGain(frame.yuv, frame.width, frame.height)): FramePixels {
  const { yuv, width, height } = frame;
  const size = yuv420FrameBytes(width, height);
  if (yuv.length !== size) throw new RangeError(`expected ${size} bytes of yuv420p ${width}x${height}, got ${yuv.length}`);
  return {
    width,
    height,
    shrink: (dstWidth, dstHeight) => threadKernels().shrinkYuv(yuv, width, height, gain, dstWidth, dstHeight),
    crop: (left, top, side) => cropSquareYuv(frame, gain, left, top, side),
  };
}
