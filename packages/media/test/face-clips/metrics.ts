// Scores a face blur against ground truth with exact rectangle geometry: how many face-frames it protects, and how
// much picture it obscures away from any face.
import type { FaceClipTruth, Rect } from './truth.ts';

function assertRect(rect: Rect, what: string): void {
  const { x, y, width, height } = rect;
  if (![x, y, width, height].every(Number.isFinite)) throw new RangeError(`${what} has a non-finite coordinate`);
  if (width < 0 || height < 0) throw new RangeError(`${what} has a negative size`);
}

/** The common part of two rectangles, or null when they do not overlap with positive area. */
export function intersect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Exact area of the union of rectangles (overlaps counted once): a sweep over the distinct x edges. */
export function unionArea(rects: readonly Rect[]): number {
  const solid = rects.filter((r) => r.width > 0 && r.height > 0);
  if (solid.length === 0) return 0;
  const xs = [...new Set(solid.flatMap((r) => [r.x, r.x + r.width]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const left = xs[i] as number;
    const right = xs[i + 1] as number;
    const spans = solid
      .filter((r) => r.x <= left && r.x + r.width >= right)
      .map((r) => [r.y, r.y + r.height] as const)
      .sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let runStart = Number.NEGATIVE_INFINITY;
    let runEnd = Number.NEGATIVE_INFINITY;
    for (const [top, bottom] of spans) {
      if (top > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = top;
        runEnd = bottom;
      } else if (bottom > runEnd) {
        runEnd = bottom;
      }
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    area += (right - left) * covered;
  }
  return area;
}

/**
 * Fraction (0..1) of `face`'s area covered by the union of `obscured` (which may overlap each other and reach past
 * the face). A face of zero area has nothing to hide and counts as fully covered.
 */
export function coverage(face: Rect, obscured: readonly Rect[]): number {
  assertRect(face, 'face');
  for (const [i, r] of obscured.entries()) assertRect(r, `obscured[${i}]`);
  const area = face.width * face.height;
  if (area === 0) return 1;
  const inside = obscured.map((r) => intersect(r, face)).filter((r): r is Rect => r !== null);
  return Math.min(1, unionArea(inside) / area);
}

function frameRect(truth: FaceClipTruth): Rect {
  return { x: 0, y: 0, width: truth.width, height: truth.height };
}

function assertComparable(truth: FaceClipTruth, obscured: readonly (readonly Rect[])[]): void {
  if (!(truth.width > 0 && truth.height > 0)) throw new RangeError('truth frame size must be positive');
  if (truth.frames.length !== truth.frameCount) {
    throw new RangeError(`truth lists ${truth.frames.length} frames but says frameCount ${truth.frameCount}`);
  }
  if (obscured.length !== truth.frameCount) {
    throw new RangeError(`obscured has ${obscured.length} frames, the clip has ${truth.frameCount}`);
  }
  for (const [f, boxes] of truth.frames.entries()) {
    for (const [i, b] of boxes.entries()) assertRect(b, `truth frame ${f} box ${i}`);
  }
  for (const [f, rects] of obscured.entries()) {
    for (const [i, r] of rects.entries()) assertRect(r, `obscured frame ${f} rect ${i}`);
  }
}

export interface FaceFrameCoverage {
  frame: number;
  id: number;
  coverage: number;
}

export interface ProtectionScore {
  /** Face-frames: a face with a visible part in a frame. */
  faceFrames: number;
  /** Face-frames whose visible part is covered at least `threshold`. */
  protectedFrames: number;
  /** protectedFrames / faceFrames (1 when the clip has no face). */
  share: number;
  /** The least covered unprotected face-frames, lowest coverage first. */
  worst: FaceFrameCoverage[];
}

export interface ProtectionOptions {
  /** Ignore face-frames whose visible part is less than this fraction of the whole face (default 0: count all). */
  minVisibleFraction?: number;
  /** How many unprotected face-frames `worst` lists (default 20). */
  worstLimit?: number;
}

/**
 * Share of face-frames whose part inside the frame is covered by the frame's obscured rectangles at least
 * `threshold` (target: share >= 0.99 at the default 0.95).
 */
export function protectionScore(
  truth: FaceClipTruth,
  obscured: readonly (readonly Rect[])[],
  threshold = 0.95,
  options: ProtectionOptions = {},
): ProtectionScore {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError('threshold must be in (0, 1]');
  const minVisible = options.minVisibleFraction ?? 0;
  if (!(minVisible >= 0 && minVisible <= 1)) throw new RangeError('minVisibleFraction must be in [0, 1]');
  const worstLimit = options.worstLimit ?? 20;
  if (!(Number.isInteger(worstLimit) && worstLimit >= 0)) throw new RangeError('worstLimit must be a whole number >= 0');
  assertComparable(truth, obscured);
  const frame = frameRect(truth);
  let faceFrames = 0;
  let protectedFrames = 0;
  const misses: FaceFrameCoverage[] = [];
  truth.frames.forEach((boxes, f) => {
    const rects = obscured[f] ?? [];
    for (const box of boxes) {
      const visible = intersect(box, frame);
      if (!visible) continue;
      if (visible.width * visible.height < minVisible * box.width * box.height) continue;
      faceFrames++;
      const c = coverage(visible, rects);
      // a float margin so a box covered exactly at the threshold is not lost to rounding
      if (c >= threshold - 1e-9) protectedFrames++;
      else misses.push({ frame: f, id: box.id, coverage: c });
    }
  });
  misses.sort((a, b) => a.coverage - b.coverage || a.frame - b.frame || a.id - b.id);
  return {
    faceFrames,
    protectedFrames,
    share: faceFrames === 0 ? 1 : protectedFrames / faceFrames,
    worst: misses.slice(0, worstLimit),
  };
}

/** `box` scaled by `factor` about its centre. */
export function enlargeAboutCentre(box: Rect, factor: number): Rect {
  const width = box.width * factor;
  const height = box.height * factor;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}

/**
 * Mean over frames of the obscured area lying outside every truth box enlarged by `enlarge` about its centre, as a
 * fraction of the frame area (target: < 0.02). Obscured parts past the frame edge do not count.
 */
export function overBlurShare(truth: FaceClipTruth, obscured: readonly (readonly Rect[])[], enlarge = 1.5): number {
  if (!(Number.isFinite(enlarge) && enlarge > 0)) throw new RangeError('enlarge must be a positive number');
  assertComparable(truth, obscured);
  if (truth.frameCount === 0) return 0;
  const frame = frameRect(truth);
  const frameArea = truth.width * truth.height;
  let sum = 0;
  truth.frames.forEach((boxes, f) => {
    const allowed = boxes.map((b) => intersect(enlargeAboutCentre(b, enlarge), frame)).filter((r): r is Rect => r !== null);
    const hidden = (obscured[f] ?? []).map((r) => intersect(r, frame)).filter((r): r is Rect => r !== null);
    if (hidden.length === 0) return;
    // |hidden \ allowed| = |hidden U allowed| - |allowed|
    sum += (unionArea([...hidden, ...allowed]) - unionArea(allowed)) / frameArea;
  });
  return sum / truth.frameCount;
}

/** Total obscured pixels inside the frame over the whole clip (must be 0 for a clip without faces). */
export function totalObscuredArea(truth: FaceClipTruth, obscured: readonly (readonly Rect[])[]): number {
  assertComparable(truth, obscured);
  const frame = frameRect(truth);
  return obscured.reduce(
    (sum, rects) => sum + unionArea(rects.map((r) => intersect(r, frame)).filter((r): r is Rect => r !== null)),
    0,
  );
}
