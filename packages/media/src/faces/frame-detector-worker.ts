// Worker-thread side of frame-detector.ts: loads BlazeFace and FaceMesh once, then answers frames. Detection is
// CPU work (~100 ms per 1080x1920 frame: downscaling and cropping in JS, the models in onnxruntime); here it never
// blocks the pipeline's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBlazeFace } from './blazeface-model.ts';
import { checkFaces, loadFaceMesh } from './face-check.ts';
import { rgbPixels, yuvPixels } from './frame-pixels.ts';
import { type PyramidOptions, detectPyramid } from './pyramid-detect.ts';
import { type ScaleLevel, planScales } from './scale-plan.ts';
import type { Box } from './obscure.ts';
import type { FaceBox } from './tiles.ts';

export interface WorkerSettings extends PyramidOptions {
  minFaceSize: number;
}
export interface DetectRequest {
  type: 'detect';
  id: number;
  /** RGB24, or yuv420p (read as it is: frame-pixels.ts). */
  format: 'rgb' | 'yuv420p';
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Faces already confirmed near here (frame px): not checked by FaceMesh again. */
  known: Box[];
}
/** Sent once no detection is in flight: the native sessions are released before the thread is ended. */
export interface CloseRequest {
  type: 'close';
}
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'failed'; message: string }
  | { type: 'faces'; id: number; faces: FaceBox[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('frame-detector-worker.ts runs only as a worker thread');
const settings = workerData as WorkerSettings;
const post = (message: WorkerMessage): void => port.postMessage(message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

try {
  const model = await loadBlazeFace();
  const mesh = await loadFaceMesh();
  const plans = new Map<string, ScaleLevel[]>();
  port.on('message', async (request: DetectRequest | CloseRequest) => {
    if (request.type === 'close') {
      // onnxruntime's memory is native: released here, not left to garbage collection after the thread ends
      await Promise.allSettled([model.dispose(), mesh.dispose()]);
      post({ type: 'closed' });
      return;
    }
    try {
      const key = `${request.width}x${request.height}`;
      let levels = plans.get(key);
      if (!levels) {
        levels = planScales(request.width, request.height, settings.minFaceSize);
        plans.set(key, levels);
      }
      const { pixels, width, height } = request;
      const frame = request.format === 'rgb' ? rgbPixels({ rgb: pixels, width, height }) : yuvPixels({ yuv: pixels, width, height });
      const faces = await checkFaces(mesh, frame, await detectPyramid(model, frame, levels, settings), request.known);
      post({ type: 'faces', id: request.id, faces });
    } catch (error) {
      post({ type: 'error', id: request.id, message: messageOf(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: messageOf(error) });
}
