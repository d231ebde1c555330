// Face and prop sprites cut from the shared still images: hard-coded face rectangles (found once by eye, not by the
// detector under test), geometry as pure functions, pixels decoded and scaled by ffmpeg.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Rect } from './truth.ts';

const execFileAsync = promisify(execFile);

/** The shared fixtures sit next to the repository: ../shared/fixtures/faces. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../../shared/fixtures/faces/', import.meta.url));

export type Person = 'astronaut' | 'grace_hopper' | 'camera';
export const PEOPLE: readonly Person[] = ['astronaut', 'grace_hopper', 'camera'];

interface StillImage {
  file: string;
  width: number;
  height: number;
}

export interface PersonImage extends StillImage {
  /** The tight face box in the image: hairline or brow to chin, ear to ear. */
  face: Rect;
}

export const PERSON_IMAGES: Record<Person, PersonImage> = {
  // frontal, smiling
  astronaut: { file: 'astronaut.png', width: 512, height: 512, face: { x: 178, y: 80, width: 100, height: 96 } },
  // frontal, glasses, under a cap
  grace_hopper: { file: 'grace_hopper.jpg', width: 512, height: 600, face: { x: 168, y: 145, width: 204, height: 185 } },
  // three-quarter profile, greyscale, a camcorder at the nose
  camera: { file: 'camera.png', width: 512, height: 512, face: { x: 180, y: 123, width: 76, height: 74 } },
};

export const COFFEE: StillImage = { file: 'coffee.png', width: 600, height: 400 };
export const CAT: StillImage = { file: 'chelsea.png', width: 451, height: 300 };

/** What to cut from a still image and how to scale it; `face` is where the face lands in the sprite. */
export interface SpriteSpec {
  file: string;
  /** Integer source rectangle. */
  crop: Rect;
  /** Output size in pixels. */
  width: number;
  height: number;
  mirror: boolean;
  /** The tight face box inside the sprite (integer pixels), null for a prop without a human face. */
  face: Rect | null;
}

// The sprite keeps context around the face (hair, forehead, a little background): an ellipse 1.6 face widths wide
// and 1.8 face heights tall, centred a little above the face centre, fading out at its rim.
const CONTEXT_X = 0.8;
const CONTEXT_Y = 0.9;
const CONTEXT_LIFT = 0.05;

export function faceSprite(person: Person, faceWidth: number, mirror: boolean): SpriteSpec {
  const image = PERSON_IMAGES[person];
  const f = image.face;
  const cx = f.x + f.width / 2;
  const cy = f.y + f.height / 2 - CONTEXT_LIFT * f.height;
  const x0 = Math.max(0, Math.round(cx - CONTEXT_X * f.width));
  const y0 = Math.max(0, Math.round(cy - CONTEXT_Y * f.height));
  const x1 = Math.min(image.width, Math.round(cx + CONTEXT_X * f.width));
  const y1 = Math.min(image.height, Math.round(cy + CONTEXT_Y * f.height));
  const crop = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const scale = faceWidth / f.width;
  const width = Math.max(2, Math.round(crop.width * scale));
  const height = Math.max(2, Math.round(crop.height * scale));
  const sx = width / crop.width;
  const sy = height / crop.height;
  let left = Math.round((f.x - crop.x) * sx);
  let right = Math.round((f.x + f.width - crop.x) * sx);
  const top = Math.round((f.y - crop.y) * sy);
  const bottom = Math.round((f.y + f.height - crop.y) * sy);
  if (mirror) [left, right] = [width - right, width - left];
  return { file: image.file, crop, width, height, mirror, face: { x: left, y: top, width: right - left, height: bottom - top } };
}

/** A whole still image (the cat) as a prop `width` pixels wide. */
export function propSprite(image: StillImage, width: number, mirror: boolean): SpriteSpec {
  const height = Math.max(2, Math.round((width * image.height) / image.width));
  return { file: image.file, crop: { x: 0, y: 0, width: image.width, height: image.height }, width, height, mirror, face: null };
}

export interface SpritePixels {
  spec: SpriteSpec;
  /** width x height x 3 bytes. */
  rgb: Uint8Array;
  /** width x height opacities 0..255 (an ellipse with a soft rim). */
  alpha: Uint8Array;
}

// Clips of one seed share their sprites (crowd, dark, rotated) and tests paint the same frames again: decode once.
const decoded = new Map<string, Promise<Uint8Array>>();
const DECODED_KEPT = 64;

/** Decodes `file`, crops, scales (and mirrors) it with ffmpeg, to raw RGB24 (shared: do not modify the result). */
export function decodeStill(file: string, crop: Rect, width: number, height: number, mirror = false): Promise<Uint8Array> {
  const key = JSON.stringify([file, crop, width, height, mirror]);
  let pixels = decoded.get(key);
  if (!pixels) {
    pixels = decodeStillOnce(file, crop, width, height, mirror);
    pixels.catch(() => decoded.delete(key));
    decoded.set(key, pixels);
    if (decoded.size > DECODED_KEPT) decoded.delete(decoded.keys().next().value as string);
  }
  return pixels;
}

async function decodeStillOnce(file: string, crop: Rect, width: number, height: number, mirror: boolean): Promise<Uint8Array> {
  const filters = [
    // RGB first: crop would round a 4:2:0 picture's (the JPEG's) odd offsets down to even ones
    'format=rgb24',
    `crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}`,
    `scale=${width}:${height}:flags=lanczos`,
    ...(mirror ? ['hflip'] : []),
  ];
  const { stdout } = await execFileAsync(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', join(FIXTURES_DIR, file), '-vf', filters.join(','), '-frames:v', '1', '-f', 'rawvideo', '-'],
    { encoding: 'buffer', maxBuffer: width * height * 3 + 1024 },
  );
  if (stdout.length !== width * height * 3) throw new Error(`decoding ${file}: expected ${width}x${height} RGB, got ${stdout.length} bytes`);
  return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length);
}

/** Opaque inside 75% of the inscribed ellipse's radius, smoothly transparent at its rim. */
export function ellipseAlpha(width: number, height: number): Uint8Array {
  const alpha = new Uint8Array(width * height);
  const rx = width / 2;
  const ry = height / 2;
  for (let y = 0; y < height; y++) {
    const dy = (y + 0.5 - ry) / ry;
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - rx) / rx;
      const r = Math.sqrt(dx * dx + dy * dy);
      const t = Math.min(1, Math.max(0, (1 - r) / 0.25));
      alpha[y * width + x] = Math.round(255 * t * t * (3 - 2 * t));
    }
  }
  return alpha;
}

/** Multiplies every byte by `brightness` (1 leaves the picture unchanged). */
export function dim(rgb: Uint8Array, brightness: number): Uint8Array {
  if (brightness === 1) return rgb;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(v * brightness);
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = lut[rgb[i] as number] as number;
  return out;
}

export async function loadSprite(spec: SpriteSpec, brightness = 1): Promise<SpritePixels> {
  const rgb = await decodeStill(spec.file, spec.crop, spec.width, spec.height, spec.mirror);
  return { spec, rgb: dim(rgb, brightness), alpha: ellipseAlpha(spec.width, spec.height) };
}
