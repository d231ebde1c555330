// Irreversible face obscuring on decoded yuv420p frames: every box becomes a coarse mosaic of at most
// `maxBlocksAcross` blocks per side, each block one flat colour (its average). Averaging throws the detail away for
// good, unlike a light Gaussian blur that deconvolution can partly undo. The block grid is anchored to the box, so it
// moves with the face and successive frames do not sample the face at shifted offsets (no multi-frame
// super-resolution from a grid the face slides across). Pixels outside the boxes are untouched.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MosaicOptions {
  /** Most blocks across the box's longer side (default 8). */
  maxBlocksAcross?: number;
  /** Smallest block side in luma pixels (default 4; even). */
  minBlock?: number;
}

/** The box clipped to the frame and widened to even coordinates (4:2:0 chroma covers 2x2 luma pixels). */
export function alignBox(box: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, Math.floor(box.x / 2) * 2);
  const y0 = Math.max(0, Math.floor(box.y / 2) * 2);
  const x1 = Math.min(width, Math.ceil((box.x + box.width) / 2) * 2);
  const y1 = Math.min(height, Math.ceil((box.y + box.height) / 2) * 2);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Luma block side for a box: even, at least minBlock, and no more than maxBlocksAcross blocks on the long side. */
export function mosaicBlockSize(box: Box, options: MosaicOptions = {}): number {
  const maxBlocks = options.maxBlocksAcross ?? 8;
  const minBlock = options.minBlock ?? 4;
  const side = Math.ceil(Math.max(box.width, box.height) / maxBlocks);
  return Math.max(minBlock, Math.ceil(side / 2) * 2);
}

const fillBytes = Uint8Array.prototype.fill;

function mosaicPlane(
  plane: Buffer,
  offset: number,
  stride: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  block: number,
): void {
  const blocks = Math.ceil((x1 - x0) / block);
  const sums = new Float64Array(blocks);
  for (let by = y0; by < y1; by += block) {
    const ey = Math.min(by + block, y1);
    // one pass over the band's rows, in memory order, summing each block's part of every row
    sums.fill(0);
    for (let y = by; y < ey; y++) {
      const row = offset + y * stride;
      for (let b = 0, bx = x0; b < blocks; b++, bx += block) {
        const end = row + Math.min(bx + block, x1);
        let sum = 0;
        for (let i = row + bx; i < end; i++) sum += plane[i] as number;
        sums[b] = (sums[b] as number) + sum;
      }
    }
    for (let b = 0, bx = x0; b < blocks; b++, bx += block) {
      const ex = Math.min(bx + block, x1);
      const mean = Math.round((sums[b] as number) / ((ey - by) * (ex - bx)));
      // TypedArray's fill: Buffer's own checks its arguments on every call (a third of the mosaic's time)
      for (let y = by; y < ey; y++) fillBytes.call(plane, mean, offset + y * stride + bx, offset + y * stride + ex);
    }
  }
}

/** Mosaics each box of a yuv420p frame in place. Returns the boxes actually changed (aligned, clipped). */
export function mosaicYuv420(frame: Buffer, width: number, height: number, boxes: readonly Box[], options: MosaicOptions = {}): Box[] {
  const chromaWidth = Math.ceil(width / 2);
  const chromaHeight = Math.ceil(height / 2);
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * chromaHeight;
  const done: Box[] = [];
  for (const raw of boxes) {
    const box = alignBox(raw, width, height);
    if (!box) continue;
    const block = mosaicBlockSize(box, options);
    mosaicPlane(frame, 0, width, box.x, box.y, box.x + box.width, box.y + box.height, block);
    const cx0 = box.x / 2;
    const cy0 = box.y / 2;
    const cx1 = Math.min(chromaWidth, (box.x + box.width) / 2);
    const cy1 = Math.min(chromaHeight, (box.y + box.height) / 2);
    mosaicPlane(frame, uOffset, chromaWidth, cx0, cy0, cx1, cy1, block / 2);
    mosaicPlane(frame, vOffset, chromaWidth, cx0, cy0, cx1, cy1, block / 2);
    done.push(box);
  }
  return done;
}

/** A box scaled by `factor` about its centre (the detector's tight box -> the area to obscure). */
export function enlargeBox(box: Box, factor: number): Box {
  const width = box.width * factor;
  const height = box.height * factor;
  return { x: box.x + box.width / 2 - width / 2, y: box.y + box.height / 2 - height / 2, width, height };
}

/**
 * Brightness gain that lifts a dim frame for the detector (never for the output): when the 99th percentile of luma
 * is below 100, it is brought to about 200, at most 4x. 1 for normally lit frames.
 */
export function detectionGain(frame: Uint8Array, width: number, height: number): number {
  const histogram = new Uint32Array(256);
  const pixels = width * height;
  const step = Math.max(1, Math.floor(pixels / 20_000));
  let n = 0;
  for (let i = 0; i < pixels; i += step) {
    histogram[frame[i] as number] = (histogram[frame[i] as number] as number) + 1;
    n++;
  }
  let seen = 0;
  let p99 = 255;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] as number;
    if (seen >= n * 0.99) {
      p99 = v;
      break;
    }
  }
  if (p99 >= 100) return 1;
  return Math.min(4, (200 - 16) / Math.max(1, p99 - 16));
}

/**
 * One row of a yuv420p frame (source row `sy`, source columns `columns`, in order) as RGB24 written at out[o...],
 * BT.601 limited range brightened by `gain`; returns the offset after it. The one definition of the conversion:
 * the whole frame (yuv420ToRgb) and the detector's crops (frame-pixels.ts) use it, and frame-kernels.wat computes
 * the same operations in the same order.
 */
export function yuvRowToRgb(
  frame: Uint8Array,
  width: number,
  height: number,
  sy: number,
  columns: ArrayLike<number>,
  out: Uint8Array,
  o: number,
  gain: number,
): number {
  const chromaWidth = Math.ceil(width / 2);
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * Math.ceil(height / 2);
  const k = 1.164 * gain;
  const yrow = sy * width;
  const crow = (sy >> 1) * chromaWidth;
  for (let i = 0; i < columns.length; i++) {
    const x = columns[i] as number;
    const c = k * ((frame[yrow + x] as number) - 16);
    const u = gain * ((frame[uOffset + crow + (x >> 1)] as number) - 128);
    const v = gain * ((frame[vOffset + crow + (x >> 1)] as number) - 128);
    // +0.5: the typed array truncates, so this rounds
    const r = c + 1.596 * v + 0.5;
    const g = c - 0.392 * u - 0.813 * v + 0.5;
    const b = c + 2.017 * u + 0.5;
    out[o++] = r < 0 ? 0 : r > 255 ? 255 : r;
    out[o++] = g < 0 ? 0 : g > 255 ? 255 : g;
    out[o++] = b < 0 ? 0 : b > 255 ? 255 : b;
  }
  return o;
}

/** BT.601 limited-range yuv420p -> RGB24 (what the face detector takes), optionally brightened by `gain`. */
export function yuv420ToRgb(frame: Uint8Array, width: number, height: number, out?: Uint8Array, gain = 1): Uint8Array {
  const rgb = out ?? new Uint8Array(width * height * 3);
  const columns = Int32Array.from({ length: width }, (_, x) => x);
  let o = 0;
  for (let y = 0; y < height; y++) o = yuvRowToRgb(frame, width, height, y, columns, rgb, o, gain);
  return rgb;
}
