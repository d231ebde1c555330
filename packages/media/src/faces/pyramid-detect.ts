// One frame through the scale pyramid: downscale per level (each from the previous one), mirror-pad, run BlazeFace,
// map boxes back to frame pixels, clip, and blend duplicates (the same face seen by several anchors and levels).
// The finest level is kept cheap (small faces are only ~16 px there); its small, unsure boxes are looked at again in
// a crop of the full frame where the face is VERIFY_FACE px, all crops in one batch. Runs in a worker thread.
import type { BlazeFaceBox } from './blazeface-decode.ts';
import type { BlazeFaceModel } from './blazeface-model.ts';
import { type FramePixels, reflect, squareAbout } from './frame-pixels.ts';
import { resizeToModelInput, shrinkModelInput } from './rgb-resize.ts';
import type { ScaleLevel } from './scale-plan.ts';
import { type FaceBox, blendBoxes } from './tiles.ts';

export interface PyramidOptions {
  /** Boxes scoring at least this are reported. */
  minScore: number;
  iouThreshold: number;
  /** Small boxes of the finest level scoring at least this (but under minScore) are checked again at VERIFY_FACE. */
  candidateScore?: number;
}

/** Side (input px) of a verification crop. */
export const VERIFY_INPUT = 96;
/** Face size (input px) in a verification crop: what the model sees well (measured, docs/face-detection.md). */
export const VERIFY_FACE = 26;
/** Most verification crops per frame (the best-scoring candidates), to bound the cost on busy pictures. */
export const VERIFY_MAX = 24;

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

/**
 * BlazeFace scores the rim of a coffee cup (coffee.png) 0.5-0.66 at some scales, with its "eyes" a third of the box
 * apart in height. A large, unsure box wholly inside the picture whose eye line is that tilted is dropped; real
 * faces rolled 45 degrees score 0.86-0.95, and on the generated clips this rule removed no true face (measured,
 * docs/face-detection.md). Small boxes (noisy keypoints) and boxes reaching into the mirrored border are kept.
 */
export const IMPLAUSIBLE = { belowScore: 0.7, minSize: 40, eyeTilt: 0.22 } as const;

function implausible(box: BlazeFaceBox, size: number, level: ScaleLevel): boolean {
  if (box.score >= IMPLAUSIBLE.belowScore || size < IMPLAUSIBLE.minSize || box.eyeTilt <= IMPLAUSIBLE.eyeTilt) return false;
  const { pad, width, height } = level;
  return box.x >= pad && box.y >= pad && box.x + box.width <= pad + width && box.y + box.height <= pad + height;
}

/** Maps a box from a level's input (padded) to the frame, clipped; null when nothing of it is inside. */
function toFrame(box: FaceBox, offsetX: number, offsetY: number, scaleX: number, scaleY: number, frame: { width: number; height: number }): FaceBox | null {
  const left = Math.max(0, (box.x - offsetX) * scaleX);
  const top = Math.max(0, (box.y - offsetY) * scaleY);
  const right = Math.min(frame.width, (box.x - offsetX + box.width) * scaleX);
  const bottom = Math.min(frame.height, (box.y - offsetY + box.height) * scaleY);
  return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top, score: box.score } : null;
}

interface Candidate {
  box: FaceBox;
  /** The crop it is checked in (frame px). */
  left: number;
  top: number;
  side: number;
}

async function verify(model: BlazeFaceModel, frame: FramePixels, candidates: FaceBox[], minScore: number): Promise<FaceBox[]> {
  const crops: Candidate[] = candidates.slice(0, VERIFY_MAX).map((box) => {
    const size = Math.max(box.width, box.height);
    // the face at VERIFY_FACE px in a VERIFY_INPUT crop, but never enlarged (then it is simply at full resolution)
    return { box, ...squareAbout(box, Math.max(VERIFY_INPUT, Math.round((size * VERIFY_INPUT) / VERIFY_FACE))) };
  });
  if (crops.length === 0) return [];
  const inputs = new Float32Array(crops.length * VERIFY_INPUT * VERIFY_INPUT * 3);
  crops.forEach((c, i) => {
    const pixels = frame.crop(c.left, c.top, c.side);
    inputs.set(resizeToModelInput(pixels, c.side, c.side, VERIFY_INPUT, VERIFY_INPUT), i * VERIFY_INPUT * VERIFY_INPUT * 3);
  });
  const found: FaceBox[] = [];
  (await model.runBatch(inputs, crops.length, VERIFY_INPUT, VERIFY_INPUT, minScore)).forEach((boxes, i) => {
    const c = crops[i] as Candidate;
    const k = c.side / VERIFY_INPUT;
    for (const box of boxes) {
      const mapped = toFrame(box, -c.left / k, -c.top / k, k, k, frame);
      if (mapped) found.push(mapped);
    }
  });
  return found;
}

export async function detectPyramid(model: BlazeFaceModel, frame: FramePixels, levels: readonly ScaleLevel[], options: PyramidOptions): Promise<FaceBox[]> {
  const found: FaceBox[] = [];
  const candidateScore = Math.min(options.candidateScore ?? options.minScore, options.minScore);
  let candidates: FaceBox[] = [];
  let previous: { pixels: Float32Array; level: ScaleLevel } | null = null;
  for (const [index, level] of levels.entries()) {
    const pixels: Float32Array = previous
      ? shrinkModelInput(previous.pixels, previous.level.width, previous.level.height, level.width, level.height)
      : frame.shrink(level.width, level.height);
    previous = { pixels, level };
    const sx = frame.width / level.width;
    const sy = frame.height / level.height;
    const finest = index === 0;
    for (const box of await model.run(mirrorPad(pixels, level), level.inputWidth, level.inputHeight, finest ? candidateScore : options.minScore)) {
      const size = Math.max(box.width, box.height);
      if (size < level.minBox) continue;
      if (implausible(box, size, level)) continue;
      const mapped = toFrame(box, level.pad, level.pad, sx, sy, frame);
      if (!mapped) continue;
      if (box.score >= options.minScore) found.push(mapped);
      else if (size < VERIFY_FACE) candidates.push(mapped);
    }
    if (finest) candidates = blendBoxes(candidates, options.iouThreshold);
  }
  found.push(...(await verify(model, frame, candidates, options.minScore)));
  return blendBoxes(found, options.iouThreshold);
}
