// One frame through the scale pyramid: downscale per level (each from the previous one), mirror-pad, run BlazeFace,
// map boxes back to frame pixels, clip, and blend duplicates (the same face seen by several anchors and levels).
// Synchronous: runs in a worker thread.
import type { BlazeFaceModel } from './blazeface-model.ts';
import { resizeToModelInput, shrinkModelInput } from './rgb-resize.ts';
import type { ScaleLevel } from './scale-plan.ts';
import { type FaceBox, type RgbFrame, blendBoxes } from './tiles.ts';

export interface PyramidOptions {
  minScore: number;
  iouThreshold: number;
}

const reflect = (i: number, n: number): number => {
  // ... 2 1 0 | 0 1 2 ... n-1 | n-1 n-2 ... (edge pixel repeated, like numpy's 'symmetric')
  if (i < 0) return Math.min(n - 1, -i - 1);
  if (i >= n) return Math.max(0, 2 * n - i - 1);
  return i;
};

/** The level's picture mirrored `pad` px out on every side, at the top-left of a black input of the level's size. */
export function mirrorPad(pixels: Float32Array, level: ScaleLevel): Float32Array {
  const { width, height, pad, inputWidth, inputHeight } = level;
  if (pad === 0 && inputWidth === width && inputHeight === height) return pixels;
  const out = new Float32Array(inputWidth * inputHeight * 3).fill(-1);
  const rowLength = width * 3;
  for (let y = -pad; y < height + pad; y++) {
    const src = reflect(y, height) * rowLength;
    const dst = ((y + pad) * inputWidth + pad) * 3;
    out.set(pixels.subarray(src, src + rowLength), dst);
    for (let x = 1; x <= pad; x++) {
      const l = dst - x * 3;
      const ls = src + reflect(-x, width) * 3;
      out[l] = pixels[ls] as number;
      out[l + 1] = pixels[ls + 1] as number;
      out[l + 2] = pixels[ls + 2] as number;
      const r = dst + (width - 1 + x) * 3;
      const rs = src + reflect(width - 1 + x, width) * 3;
      out[r] = pixels[rs] as number;
      out[r + 1] = pixels[rs + 1] as number;
      out[r + 2] = pixels[rs + 2] as number;
    }
  }
  return out;
}

export function detectPyramid(model: BlazeFaceModel, frame: RgbFrame, levels: readonly ScaleLevel[], options: PyramidOptions): FaceBox[] {
  const found: FaceBox[] = [];
  let previous: { pixels: Float32Array; level: ScaleLevel } | null = null;
  for (const level of levels) {
    const pixels: Float32Array = previous
      ? shrinkModelInput(previous.pixels, previous.level.width, previous.level.height, level.width, level.height)
      : resizeToModelInput(frame.rgb, frame.width, frame.height, level.width, level.height);
    previous = { pixels, level };
    const sx = frame.width / level.width;
    const sy = frame.height / level.height;
    for (const box of model.run(mirrorPad(pixels, level), level.inputWidth, level.inputHeight, options.minScore)) {
      if (Math.max(box.width, box.height) < level.minBox) continue;
      const left = Math.max(0, (box.x - level.pad) * sx);
      const top = Math.max(0, (box.y - level.pad) * sy);
      const right = Math.min(frame.width, (box.x - level.pad + box.width) * sx);
      const bottom = Math.min(frame.height, (box.y - level.pad + box.height) * sy);
      if (right > left && bottom > top) found.push({ x: left, y: top, width: right - left, height: bottom - top, score: box.score });
    }
  }
  return blendBoxes(found, options.iouThreshold);
}
