// Faces cut by the frame's edge are hard to detect: half a face does not look like a face. Mirroring a strip along
// each edge makes it whole again (faces are nearly symmetric), so detection runs on four small mirrored strips too
// and their boxes are mapped back and clipped to the real frame. Pure.
import type { RgbFrame } from './tiles.ts';

export interface EdgeStrip {
  frame: RgbFrame;
  /** Maps a box found in the strip to the real frame (clipped to it), or null when it lies in the mirrored half. */
  toFrame(box: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number } | null;
}

/** Strip depth for a frame: a fifth of its short side, at least 64 px (half of the largest faces we expect). */
export function edgeDepth(width: number, height: number): number {
  return Math.max(64, Math.min(Math.floor(Math.min(width, height) / 5), Math.floor(Math.min(width, height) / 2)));
}

function copyPixel(src: Uint8Array, si: number, dst: Uint8Array, di: number): void {
  dst[di] = src[si] as number;
  dst[di + 1] = src[si + 1] as number;
  dst[di + 2] = src[si + 2] as number;
}

type Box = { x: number; y: number; width: number; height: number };

function clipTo(box: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width);
  const y1 = Math.min(height, box.y + box.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** The four mirrored edge strips of a frame: left, right, top, bottom. */
export function edgeStrips(frame: RgbFrame, depth = edgeDepth(frame.width, frame.height)): EdgeStrip[] {
  const { rgb, width, height } = frame;
  const d = Math.min(depth, width, height);
  const strips: EdgeStrip[] = [];

  // left: [mirror of columns 0..d) | columns 0..d)   (2d x height); strip x' >= d is real x' - d
  // right: [columns width-d..width) | mirror of them]; strip x' < d is real width - d + x'
  for (const side of ['left', 'right'] as const) {
    const out = new Uint8Array(2 * d * height * 3);
    for (let y = 0; y < height; y++) {
      for (let xs = 0; xs < 2 * d; xs++) {
        let x: number;
        if (side === 'left') x = xs < d ? d - 1 - xs : xs - d;
        else x = xs < d ? width - d + xs : width - 1 - (xs - d);
        copyPixel(rgb, (y * width + x) * 3, out, (y * 2 * d + xs) * 3);
      }
    }
    strips.push({
      frame: { rgb: out, width: 2 * d, height },
      toFrame: (box) => {
        const shifted = side === 'left' ? { ...box, x: box.x - d } : { ...box, x: width - d + box.x };
        // only what falls on the real half counts; the mirrored half is not the picture
        const real = side === 'left' ? clipTo(shifted, d, height) : clipTo({ ...shifted, x: shifted.x - (width - d) }, d, height);
        if (!real) return null;
        return side === 'left' ? real : { ...real, x: real.x + width - d };
      },
    });
  }

  for (const side of ['top', 'bottom'] as const) {
    const out = new Uint8Array(width * 2 * d * 3);
    for (let ys = 0; ys < 2 * d; ys++) {
      let y: number;
      if (side === 'top') y = ys < d ? d - 1 - ys : ys - d;
      else y = ys < d ? height - d + ys : height - 1 - (ys - d);
      out.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), ys * width * 3);
    }
    strips.push({
      frame: { rgb: out, width, height: 2 * d },
      toFrame: (box) => {
        const shifted = side === 'top' ? { ...box, y: box.y - d } : { ...box, y: height - d + box.y };
        const real = side === 'top' ? clipTo(shifted, width, d) : clipTo({ ...shifted, y: shifted.y - (height - d) }, width, d);
        if (!real) return null;
        return side === 'top' ? real : { ...real, y: real.y + height - d };
      },
    });
  }
  return strips;
}
