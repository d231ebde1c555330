// Worker-thread side of frame-detector.ts: loads BlazeFace once, then answers one frame at a time. Detection is
// synchronous CPU work (~100-300 ms per 1080x1920 frame); here it never blocks the pipeline's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBlazeFace } from './blazeface-model.ts';
import { checkFaces, loadFaceMesh } from './face-check.ts';
import { type PyramidOptions, detectPyramid } from './pyramid-detect.ts';
import { type ScaleLevel, planScales } from './scale-plan.ts';
import type { FaceBox } from './tiles.ts';

export interface WorkerSettings extends PyramidOptions {
  minFaceSize: number;
}
export interface DetectRequest {
  id: number;
  rgb: Uint8Array;
  width: number;
  height: number;
}
export type WorkerMessage =
  | { type: 'ready' }
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
  port.on('message', (request: DetectRequest) => {
    try {
      const key = `${request.width}x${request.height}`;
      let levels = plans.get(key);
      if (!levels) {
        levels = planScales(request.width, request.height, settings.minFaceSize);
        plans.set(key, levels);
      }
      const frame = { rgb: request.rgb, width: request.width, height: request.height };
      const faces = checkFaces(mesh, frame, detectPyramid(model, frame, levels, settings));
      post({ type: 'faces', id: request.id, faces });
    } catch (error) {
      post({ type: 'error', id: request.id, message: messageOf(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: messageOf(error) });
}
