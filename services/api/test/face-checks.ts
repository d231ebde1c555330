// Pixel checks shared by the face-blur tests: decode luma frames, and measure how much of a face's fine detail
// survives in a rendition compared with the upload.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FaceClipTruth, Rect } from '@onward/media/test/face-clips/truth.ts';

const execFileAsync = promisify(execFile);

export async function lumaFrames(path: string, width: number, height: number): Promise<Buffer[]> {
  const { stdout } = await execFileAsync(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-fps_mode', 'passthrough', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 },
  );
  const size = width * height;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push(stdout.subarray(at, at + size));
  return frames;
}

export function clip(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.width));
  const y1 = Math.min(height, Math.ceil(r.y + r.height));
  return x1 - x0 >= 16 && y1 - y0 >= 16 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Fine detail of a region: the picture minus its 3x3 local mean (what identifies a face; a mosaic has none). */
function highPass(frame: Buffer, width: number, r: Rect): Float64Array {
  const out = new Float64Array(Math.max(0, (r.width - 2) * (r.height - 2)));
  let o = 0;
  for (let y = r.y + 1; y < r.y + r.height - 1; y++) {
    for (let x = r.x + 1; x < r.x + r.width - 1; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += frame[(y + dy) * width + x + dx] as number;
      out[o++] = (frame[y * width + x] as number) - sum / 9;
    }
  }
  return out;
}

/** How much of the reference's fine detail survives in the output: correlation of the two high-pass signals. */
export function detailKept(output: Buffer, reference: Buffer, width: number, r: Rect): { correlation: number; referenceDetail: number } {
  const a = highPass(output, width, r);
  const b = highPass(reference, width, r);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return { correlation: aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0, referenceDetail: Math.sqrt(bb / Math.max(1, b.length)) };
}

export function enlarged(r: Rect, factor: number): Rect {
  return { x: r.x + (r.width * (1 - factor)) / 2, y: r.y + (r.height * (1 - factor)) / 2, width: r.width * factor, height: r.height * factor };
}


/** Every ground-truth face region (at least 16 px, with detail to lose) of every frame whose detail survived. */
export function unobscuredFaces(
  output: Buffer[],
  reference: Buffer[],
  truth: FaceClipTruth,
  options: { minFaceSize?: number } = {},
): { failures: string[]; faceFrames: number } {
  const failures: string[] = [];
  let faceFrames = 0;
  for (let f = 0; f < truth.frameCount; f++) {
    for (const face of truth.frames[f] ?? []) {
      if (Math.max(face.width, face.height) < (options.minFaceSize ?? 0)) continue;
      const region = clip(face, truth.width, truth.height);
      if (!region) continue;
      const { correlation, referenceDetail } = detailKept(output[f] as Buffer, reference[f] as Buffer, truth.width, region);
      if (referenceDetail < 2) continue; // a featureless patch (a face leaving the frame): nothing to recognise
      faceFrames++;
      if (correlation > 0.3) failures.push(`frame ${f} face ${face.id} (${Math.round(face.width)} px): detail kept ${correlation.toFixed(2)}`);
    }
  }
  return { failures, faceFrames };
}
