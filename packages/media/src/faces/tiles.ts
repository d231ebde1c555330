// Pure geometry for tiled face detection: BlazeFace sees every input at 256x256, so faces that are small in a
// 1080x1920 frame are only found in smaller crops. These helpers plan overlapping square crops, cut them out of a
// raw RGB frame (black outside the frame), and merge the boxes found in all crops back into frame coordinates.

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  /** FaceMesh's "face in view" (0..1) for a box it could check (face-check.ts); absent when it could not. */
  faceScore?: number;
  /** The same on the crop mirrored past the frame edge, for a box cut by one edge (face-check.ts). */
  edgeFaceScore?: number;
}

/** A square region of the frame; it may extend past the right/bottom edge (that part is black). */
export interface Tile {
  x: number;
  y: number;
  size: number;
}

export interface RgbFrame {
  rgb: Uint8Array;
  width: number;
  height: number;
}

function axisStarts(length: number, tileSize: number, overlap: number): number[] {
  if (length <= tileSize) return [0];
  const step = tileSize - overlap;
  const count = Math.ceil((length - tileSize) / step) + 1;
  const span = length - tileSize;
  // spread evenly so the last tile ends exactly at the edge; the real overlap is then >= the requested one
  return Array.from({ length: count }, (_, i) => Math.round((span * i) / (count - 1)));
}

/**
 * Overlapping square tiles of `tileSize` covering a width x height frame, row by row. Any square of side
 * <= `overlap` inside the frame lies wholly inside at least one tile.
 */
export function planTiles(width: number, height: number, tileSize: number, overlap: number): Tile[] {
  if (!(width > 0 && height > 0)) throw new RangeError(`frame size must be positive, got ${width}x${height}`);
  if (!(tileSize > 0)) throw new RangeError(`tileSize must be positive, got ${tileSize}`);
  if (!(overlap >= 0 && overlap < tileSize)) throw new RangeError(`overlap must be in [0, tileSize), got ${overlap}`);
  const tiles: Tile[] = [];
  for (const y of axisStarts(height, tileSize, overlap)) {
    for (const x of axisStarts(width, tileSize, overlap)) tiles.push({ x, y, size: tileSize });
  }
  return tiles;
}

/** The whole frame as one square tile (padded with black on the short side, so faces keep their aspect ratio). */
export function wholeFrameTile(width: number, height: number): Tile {
  return { x: 0, y: 0, size: Math.max(width, height) };
}

/** Copies a tile out of an RGB24 frame; pixels outside the frame are black. */
export function cropTile(frame: RgbFrame, tile: Tile): Uint8Array {
  const out = new Uint8Array(tile.size * tile.size * 3);
  const x0 = Math.max(0, tile.x);
  const x1 = Math.min(frame.width, tile.x + tile.size);
  if (x1 <= x0) return out;
  const y1 = Math.min(frame.height, tile.y + tile.size);
  for (let y = Math.max(0, tile.y); y < y1; y++) {
    const src = (y * frame.width + x0) * 3;
    const dst = ((y - tile.y) * tile.size + (x0 - tile.x)) * 3;
    out.set(frame.rgb.subarray(src, src + (x1 - x0) * 3), dst);
  }
  return out;
}

/** Moves a box found in a tile into frame coordinates, clipped to the frame; null if nothing is left. */
export function mapToFrame(box: FaceBox, tile: Tile, width: number, height: number): FaceBox | null {
  const left = Math.max(0, box.x + tile.x);
  const top = Math.max(0, box.y + tile.y);
  const right = Math.min(width, box.x + tile.x + box.width);
  const bottom = Math.min(height, box.y + tile.y + box.height);
  if (right <= left || bottom <= top) return null;
  return { x: left, y: top, width: right - left, height: bottom - top, score: box.score };
}

/** Any axis-aligned rectangle (a FaceBox, an obscured Box). */
type Rect = Pick<FaceBox, 'x' | 'y' | 'width' | 'height'>;

function intersection(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two rectangles (0 when either is empty). */
export function iou(a: Rect, b: Rect): number {
  const inter = intersection(a, b);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-max suppression across tiles: keeps the highest-scoring box and drops any other box whose IoU with a
 * kept box exceeds `iouThreshold`. A face cut by a tile edge gives a partial box inside the whole one: when either
 * box lies mostly (> `containedThreshold` of its own area) inside the other, the kept box grows to cover both.
 */
export function mergeBoxes(boxes: readonly FaceBox[], iouThreshold: number, containedThreshold = 0.8): FaceBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const box of sorted) {
    const index = kept.findIndex((k) => {
      if (iou(k, box) > iouThreshold) return true;
      const inter = intersection(k, box);
      const smaller = Math.min(k.width * k.height, box.width * box.height);
      return smaller > 0 && inter / smaller > containedThreshold;
    });
    const match = kept[index];
    if (!match) {
      kept.push({ ...box });
      continue;
    }
    const left = Math.min(match.x, box.x);
    const top = Math.min(match.y, box.y);
    const right = Math.max(match.x + match.width, box.x + box.width);
    const bottom = Math.max(match.y + match.height, box.y + box.height);
    if (iou(match, box) <= iouThreshold) {
      kept[index] = { x: left, y: top, width: right - left, height: bottom - top, score: match.score };
    }
  }
  return kept;
}

/**
 * Weighted non-max suppression (MediaPipe's blending for BlazeFace): boxes overlapping the best remaining box by more
 * than `iouThreshold` are averaged into it, weighted by score; the result keeps the best score. Averaging the many
 * anchors that fire on one face gives a steadier box than keeping the single best one.
 */
export function blendBoxes(boxes: readonly FaceBox[], iouThreshold: number): FaceBox[] {
  const remaining = [...boxes].sort((a, b) => b.score - a.score);
  const out: FaceBox[] = [];
  while (remaining.length > 0) {
    const best = remaining[0] as FaceBox;
    let x = 0;
    let y = 0;
    let right = 0;
    let bottom = 0;
    let total = 0;
    const rest: FaceBox[] = [];
    for (const box of remaining) {
      if (box !== best && iou(best, box) <= iouThreshold) {
        rest.push(box);
        continue;
      }
      x += box.x * box.score;
      y += box.y * box.score;
      right += (box.x + box.width) * box.score;
      bottom += (box.y + box.height) * box.score;
      total += box.score;
    }
    out.push({ x: x / total, y: y / total, width: (right - x) / total, height: (bottom - y) / total, score: best.score });
    remaining.splice(0, remaining.length, ...rest);
  }
  return out;
}
