// Test frames for face detection: the shared fixture stills decoded to raw RGB24 by ffmpeg, scaled and pasted in JS,
// with the tight face boxes labelled by hand in face-clips/sprites.ts as the truth.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FaceBox, RgbFrame } from '../src/faces/tiles.ts';
import { FIXTURES_DIR, PERSON_IMAGES, type Person } from './face-clips/sprites.ts';

const execFileAsync = promisify(execFile);

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const decoded = new Map<string, Promise<RgbFrame>>();

/** A fixture image (e.g. 'coffee.png') as RGB24, decoded once per process. */
export function decodeFixture(file: string): Promise<RgbFrame> {
  let frame = decoded.get(file);
  if (!frame) {
    frame = (async () => {
      const path = join(FIXTURES_DIR, file);
      const probe = await execFileAsync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]);
      const [width, height] = probe.stdout.trim().split(',').map(Number);
      if (!width || !height) throw new Error(`cannot probe ${path}`);
      const { stdout } = await execFileAsync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (stdout.length !== width * height * 3) throw new Error(`${path}: expected ${width}x${height} RGB, got ${stdout.length} bytes`);
      return { rgb: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length), width, height };
    })();
    decoded.set(file, frame);
  }
  return frame;
}

/** Bilinear resampling (enlarging, or shrinking by less than 2x). */
function bilinear(src: RgbFrame, width: number, height: number): RgbFrame {
  const rgb = new Uint8Array(width * height * 3);
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  for (let y = 0; y < height; y++) {
    const fy = clamp(((y + 0.5) * src.height) / height - 0.5, src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = clamp(((x + 0.5) * src.width) / width - 0.5, src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => src.rgb[(yy * src.width + xx) * 3 + c] as number;
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        rgb[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { rgb, width, height };
}

/** Box-filter shrink by an integer factor (so a large shrink does not alias). */
function shrinkBy(src: RgbFrame, factor: number): RgbFrame {
  const width = Math.floor(src.width / factor);
  const height = Math.floor(src.height / factor);
  const rgb = new Uint8Array(width * height * 3);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) sum += src.rgb[((y * factor + dy) * src.width + x * factor + dx) * 3 + c] as number;
        }
        rgb[(y * width + x) * 3 + c] = Math.round(sum / area);
      }
    }
  }
  return { rgb, width, height };
}

export function scaleFrame(src: RgbFrame, width: number, height: number): RgbFrame {
  const factor = Math.floor(Math.min(src.width / width, src.height / height));
  return bilinear(factor >= 2 ? shrinkBy(src, factor) : src, width, height);
}

/** A width x height frame tiled with `background` (or black). */
export function canvas(width: number, height: number, background?: RgbFrame): RgbFrame {
  const rgb = new Uint8Array(width * height * 3);
  if (background) {
    for (let y = 0; y < height; y++) {
      const row = ((y % background.height) * background.width) * 3;
      for (let x = 0; x < width; x += background.width) {
        const n = Math.min(background.width, width - x) * 3;
        rgb.set(background.rgb.subarray(row, row + n), (y * width + x) * 3);
      }
    }
  }
  return { rgb, width, height };
}

/** Copies `src` into `dst` with its top-left corner at (left, top); parts outside `dst` are cut off. */
export function paste(dst: RgbFrame, src: RgbFrame, left: number, top: number): void {
  const x0 = Math.max(0, -left);
  const x1 = Math.min(src.width, dst.width - left);
  if (x1 <= x0) return;
  for (let y = Math.max(0, -top); y < Math.min(src.height, dst.height - top); y++) {
    const from = (y * src.width + x0) * 3;
    dst.rgb.set(src.rgb.subarray(from, from + (x1 - x0) * 3), ((top + y) * dst.width + left + x0) * 3);
  }
}

/**
 * Pastes `person`'s whole still, scaled so its face box is `faceSize` px wide, with the face centred at (cx, cy).
 * Returns the face's box in the frame (the hand-labelled box, scaled and moved) and where the whole still landed.
 */
const scaledStills = new Map<string, RgbFrame>();

export async function pasteFace(frame: RgbFrame, person: Person, faceSize: number, cx: number, cy: number): Promise<Rect & { still: Rect }> {
  const image = PERSON_IMAGES[person];
  const still = await decodeFixture(image.file);
  const k = faceSize / image.face.width;
  const key = `${person} ${faceSize}`;
  let scaled = scaledStills.get(key);
  if (!scaled) {
    scaled = scaleFrame(still, Math.max(1, Math.round(still.width * k)), Math.max(1, Math.round(still.height * k)));
    scaledStills.set(key, scaled);
  }
  const sx = scaled.width / still.width;
  const sy = scaled.height / still.height;
  const left = Math.round(cx - (image.face.x + image.face.width / 2) * sx);
  const top = Math.round(cy - (image.face.y + image.face.height / 2) * sy);
  paste(frame, scaled, left, top);
  return {
    x: left + image.face.x * sx,
    y: top + image.face.y * sy,
    width: image.face.width * sx,
    height: image.face.height * sy,
    still: { x: left, y: top, width: scaled.width, height: scaled.height },
  };
}

export function iou(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const inter = w > 0 && h > 0 ? w * h : 0;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** The best IoU of any detected box with `truth`. */
export const bestIou = (boxes: readonly FaceBox[], truth: Rect): number => Math.max(0, ...boxes.map((b) => iou(b, truth)));
