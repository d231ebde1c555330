// Face detection on whole display-oriented video frames: the interface the blur pipeline codes against.
// First version: the whole-frame + overlapping-tiles detection of face-detector.ts behind it (to be made faster).
import { createFaceDetector, detectWithTiles } from './face-detector.ts';
import type { FaceBox, RgbFrame } from './tiles.ts';

export type { FaceBox, RgbFrame } from './tiles.ts';

export interface FrameDetector {
  /** Faces in a full display-oriented RGB24 frame, in its pixel coordinates (x, y, width, height, score). */
  detect(frame: RgbFrame): Promise<FaceBox[]>;
  close(): Promise<void>;
}

export interface FrameDetectorOptions {
  /** Smallest face (px, in frame coordinates) that must be found. Default 40. */
  minFaceSize?: number;
  /** Detection threads. Default 1. */
  threads?: number;
}

function checkFrame(frame: RgbFrame): void {
  const { width, height, rgb } = frame;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 bytes, got ${rgb.length}`);
}

export async function createFrameDetector(_options: FrameDetectorOptions = {}): Promise<FrameDetector> {
  const detector = await createFaceDetector({ verifyWithMesh: false });
  let closed = false;
  return {
    async detect(frame) {
      if (closed) throw new Error('frame detector: closed');
      checkFrame(frame);
      return detectWithTiles(detector, frame);
    },
    async close() {
      closed = true;
      detector.dispose();
    },
  };
}
