// Which downscaled copies of a frame BlazeFace runs on. The graph runs fully convolutionally on any input whose
// sides are multiples of 32 and finds faces of roughly MODEL_MIN_FACE..MODEL_MAX_FACE input pixels, so a pyramid of
// a few scales covers every face from minFaceSize up to the whole frame. Almost all the cost is the finest scale.
// Each level is mirror-padded so that a face cut by the frame edge looks whole again (faces are nearly symmetric).

/** Smallest face (input px) the graph finds reliably on the finest level; measured in docs/face-detection.md. */
export const MODEL_MIN_FACE = 15;
/** Smallest box (input px) a coarser level reports: smaller ones are the finer level's, and mostly noise here. */
export const COARSE_MIN_BOX = 28;
/** Largest face (input px) a level is trusted with; the next, coarser level takes over above it. */
export const MODEL_MAX_FACE = 200;
/**
 * Mirror padding per side (input px): completes faces cut by the frame edge whose visible part is up to this wide
 * (60 frame px on a 1080x1920 level 0); 24 found as many as 32 or 64 on the generated edge clips, for less input.
 */
export const EDGE_PAD = 24;
/** Input sides must be multiples of the graph's coarsest stride, or boxes drift (measured: IoU 0.9 -> 0.45). */
export const INPUT_ALIGN = 32;

export interface ScaleLevel {
  /** Frame pixels -> input pixels. */
  scale: number;
  /** The downscaled frame. */
  width: number;
  height: number;
  /** Mirrored pixels added on each side of the downscaled frame. */
  pad: number;
  /** The model input: padded frame, then black on the right and bottom up to multiples of INPUT_ALIGN. */
  inputWidth: number;
  inputHeight: number;
  /** Boxes smaller than this (input px, longer side) are dropped on this level. */
  minBox: number;
}

export interface PlanOptions {
  /** Smallest face (input px) on the finest level. */
  modelMinFace?: number;
  /** Mirror padding (input px) per side. */
  edgePad?: number;
}

const align = (n: number): number => Math.ceil(n / INPUT_ALIGN) * INPUT_ALIGN;

function level(frameWidth: number, frameHeight: number, scale: number, pad: number, minBox: number): ScaleLevel {
  const width = Math.max(1, Math.round(frameWidth * scale));
  const height = Math.max(1, Math.round(frameHeight * scale));
  // never more mirror than there is picture to mirror
  const p = Math.min(pad, width, height);
  return { scale: width / frameWidth, width, height, pad: p, inputWidth: align(width + 2 * p), inputHeight: align(height + 2 * p), minBox };
}

/**
 * Levels, finest first: the first maps a minFaceSize face to modelMinFace input px (never enlarging the frame); each
 * next one is scaled so that its COARSE_MIN_BOX equals 0.8 x the previous level's MODEL_MAX_FACE (they overlap),
 * until a level's MODEL_MAX_FACE covers a face as large as the frame's longer side.
 */
export function planScales(frameWidth: number, frameHeight: number, minFaceSize: number, options: PlanOptions = {}): ScaleLevel[] {
  if (!(Number.isInteger(frameWidth) && Number.isInteger(frameHeight) && frameWidth > 0 && frameHeight > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${frameWidth}x${frameHeight}`);
  }
  if (!(minFaceSize > 0 && Number.isFinite(minFaceSize))) throw new RangeError(`minFaceSize must be positive, got ${minFaceSize}`);
  const modelMinFace = options.modelMinFace ?? MODEL_MIN_FACE;
  const pad = options.edgePad ?? EDGE_PAD;
  const longest = Math.max(frameWidth, frameHeight);
  const step = COARSE_MIN_BOX / (0.8 * MODEL_MAX_FACE);
  const levels = [level(frameWidth, frameHeight, Math.min(1, modelMinFace / minFaceSize), pad, 0)];
  for (;;) {
    const last = levels[levels.length - 1] as ScaleLevel;
    if (MODEL_MAX_FACE / last.scale >= longest || Math.max(last.width, last.height) <= INPUT_ALIGN) break;
    levels.push(level(frameWidth, frameHeight, last.scale * step, pad, COARSE_MIN_BOX));
  }
  return levels;
}
