// Decodes BlazeFace's raw outputs run fully convolutionally on an input of any size. The graph (human's
// blazeface.json, MediaPipe's 256 px model) has two heads: stride 16 with 2 anchors per cell and stride 32 with 6
// anchors per cell; anchors sit at cell centres and the regressors give the box centre offset and size in input
// pixels (then 6 keypoints, unused here). On a 256x256 input that is the model's usual 512 + 384 anchors.
import type { FaceBox } from './tiles.ts';

export interface BlazeFaceHead {
  stride: number;
  anchorsPerCell: number;
  /** One logit per anchor, anchors ordered row by row, cell by cell. */
  logits: Float32Array;
  /** 16 values per anchor: centre dx, dy, width, height, then 6 keypoints (x, y): eyes, nose, mouth, ears. */
  regressors: Float32Array;
}

export const BLAZEFACE_HEADS = [
  { stride: 16, anchorsPerCell: 2 },
  { stride: 32, anchorsPerCell: 6 },
] as const;

/** Cells of a head along an axis (TensorFlow SAME padding). */
export const gridSize = (length: number, stride: number): number => Math.ceil(length / stride);

const logit = (p: number): number => Math.log(p / (1 - p));

/** A decoded anchor: its box and score, and how tilted the line between its two eye keypoints is. */
export interface BlazeFaceBox extends FaceBox {
  /** Height difference of the two eyes, as a fraction of the box height (0 for a level face). */
  eyeTilt: number;
}

/** Boxes (in input pixels, unclipped) of every anchor whose score reaches `minScore`. */
export function decodeBlazeFace(heads: readonly BlazeFaceHead[], width: number, height: number, minScore: number): BlazeFaceBox[] {
  const threshold = logit(minScore);
  const boxes: BlazeFaceBox[] = [];
  for (const head of heads) {
    const cols = gridSize(width, head.stride);
    const rows = gridSize(height, head.stride);
    const anchors = rows * cols * head.anchorsPerCell;
    if (head.logits.length !== anchors || head.regressors.length !== anchors * 16) {
      throw new RangeError(`head stride ${head.stride}: expected ${anchors} anchors for ${width}x${height}, got ${head.logits.length}`);
    }
    for (let i = 0; i < anchors; i++) {
      const l = head.logits[i] as number;
      if (!(l >= threshold)) continue;
      const cell = Math.floor(i / head.anchorsPerCell);
      const ax = ((cell % cols) + 0.5) * head.stride;
      const ay = (Math.floor(cell / cols) + 0.5) * head.stride;
      const r = i * 16;
      const cx = ax + (head.regressors[r] as number);
      const cy = ay + (head.regressors[r + 1] as number);
      const w = head.regressors[r + 2] as number;
      const h = head.regressors[r + 3] as number;
      if (!(w > 0 && h > 0)) continue;
      // keypoints 0 and 1 are the eyes, offsets (x, y) from the anchor
      const eyeTilt = Math.abs((head.regressors[r + 7] as number) - (head.regressors[r + 5] as number)) / h;
      boxes.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score: 1 / (1 + Math.exp(-l)), eyeTilt });
    }
  }
  return boxes;
}
