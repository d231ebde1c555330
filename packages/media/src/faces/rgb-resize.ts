// Area-averaging downscale of RGB pictures into BlazeFace's normalised float input ([-1, 1], HWC). Area averaging
// (not bilinear sampling) keeps small faces intact when shrinking by 2-16x. Vertical pass first, so the pass that
// touches every source pixel is a plain weighted sum of whole rows. RGB24 bytes are shrunk by the same arithmetic in
// WebAssembly (frame-kernels.ts, ~5x faster); the JS here is its reference and shrinks the float levels.
import { axisWeights } from './area-weights.ts';
import { checkShrink, threadKernels } from './frame-kernels.ts';

/** A picture of RGB values: bytes (0..255) from a decoder, or a normalised level ([-1, 1]) from an earlier resize. */
export type RgbPixels = Uint8Array | Float32Array;

/**
 * Shrinks (or copies, same size) an RGB picture to dstWidth x dstHeight by area averaging and returns float32 HWC
 * values mapped by `value * gain + bias` (bytes to [-1, 1]: gain 1/127.5, bias -1; already normalised: 1, 0).
 */
export function resizeArea(src: RgbPixels, width: number, height: number, dstWidth: number, dstHeight: number, gain: number, bias: number): Float32Array {
  if (src.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 values, got ${src.length}`);
  checkShrink(width, height, dstWidth, dstHeight);
  const xw = axisWeights(width, dstWidth);
  const yw = axisWeights(height, dstHeight);
  const rowLength = width * 3;
  const acc = new Float32Array(rowLength);
  const out = new Float32Array(dstWidth * dstHeight * 3);
  for (let y = 0; y < dstHeight; y++) {
    // vertical: weighted sum of the source rows this output row covers
    const first = yw.start[y] as number;
    const n = yw.count[y] as number;
    const o = yw.offset[y] as number;
    let w = (yw.weights[o] as number) * gain;
    let p = first * rowLength;
    for (let i = 0; i < rowLength; i++) acc[i] = (src[p + i] as number) * w;
    for (let k = 1; k < n; k++) {
      w = (yw.weights[o + k] as number) * gain;
      p = (first + k) * rowLength;
      for (let i = 0; i < rowLength; i++) acc[i] = (acc[i] as number) + (src[p + i] as number) * w;
    }
    // horizontal: weighted sum of the accumulated columns
    let d = y * dstWidth * 3;
    for (let x = 0; x < dstWidth; x++, d += 3) {
      let r = bias;
      let g = bias;
      let b = bias;
      let q = (xw.start[x] as number) * 3;
      const m = xw.count[x] as number;
      const ox = xw.offset[x] as number;
      for (let k = 0; k < m; k++, q += 3) {
        const wx = xw.weights[ox + k] as number;
        r += (acc[q] as number) * wx;
        g += (acc[q + 1] as number) * wx;
        b += (acc[q + 2] as number) * wx;
      }
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
    }
  }
  return out;
}

/** RGB24 bytes -> normalised model input of dstWidth x dstHeight. */
export function resizeToModelInput(rgb: Uint8Array, width: number, height: number, dstWidth: number, dstHeight: number): Float32Array {
  return threadKernels().shrinkRgb(rgb, width, height, dstWidth, dstHeight, 1 / 127.5, -1);
}

/** A normalised picture (an earlier level) -> a smaller normalised one. */
export function shrinkModelInput(pixels: Float32Array, width: number, height: number, dstWidth: number, dstHeight: number): Float32Array {
  return resizeArea(pixels, width, height, dstWidth, dstHeight, 1, 0);
}

/**
 * RGB24 bytes -> dstWidth x dstHeight floats in [0, 1] (FaceMesh's input): area averaging when shrinking, nearest
 * pixel when enlarging (a small face's crop; what the measurements in docs/face-detection.md used).
 */
export function resizeToUnitInput(rgb: Uint8Array, width: number, height: number, dstWidth: number, dstHeight: number): Float32Array {
  if (dstWidth <= width && dstHeight <= height) return threadKernels().shrinkRgb(rgb, width, height, dstWidth, dstHeight, 1 / 255, 0);
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 values, got ${rgb.length}`);
  if (!(Number.isInteger(dstWidth) && Number.isInteger(dstHeight) && dstWidth >= 1 && dstHeight >= 1)) {
    throw new RangeError(`cannot resize ${width}x${height} to ${dstWidth}x${dstHeight}`);
  }
  const out = new Float32Array(dstWidth * dstHeight * 3);
  const xs = Int32Array.from({ length: dstWidth }, (_, x) => Math.min(width - 1, Math.floor(((x + 0.5) * width) / dstWidth)) * 3);
  let d = 0;
  for (let y = 0; y < dstHeight; y++) {
    const row = Math.min(height - 1, Math.floor(((y + 0.5) * height) / dstHeight)) * width * 3;
    for (let x = 0; x < dstWidth; x++, d += 3) {
      const s = row + (xs[x] as number);
      out[d] = (rgb[s] as number) / 255;
      out[d + 1] = (rgb[s + 1] as number) / 255;
      out[d + 2] = (rgb[s + 2] as number) / 255;
    }
  }
  return out;
}
