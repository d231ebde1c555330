// A second opinion on BlazeFace's boxes: MediaPipe's FaceMesh (human's models/facemesh.json, 192 px input) has a
// "face in view" output. Run on a square crop 1.4x the box (how MediaPipe and human feed it), it is ~1 for real faces
// from ~27 px up and ~0 for what BlazeFace confuses with faces: a cat (BlazeFace 0.8-0.9), a cup's rim, a suit.
// Measured on the generated clips (docs/face-detection.md): every real face's track had a crop scoring >= 0.95,
// nothing else scored above 0.08. Single crops of real faces do fail (dark, small, rolled: min 0.04), so the verdict
// is per track, over all its detections (face-tracker.ts), never per box. A box whose crop would reach past the
// frame (a face cut by the edge) cannot be checked and gets no score.
import { join } from 'node:path';
import { loadPackagedGraph, packagedModelPaths, type Tensor } from './blazeface-model.ts';
import { cropSquare } from './pyramid-detect.ts';
import { resizeToUnitInput } from './rgb-resize.ts';
import type { FaceBox, RgbFrame } from './tiles.ts';

/** FaceMesh's input side (px). */
export const MESH_INPUT = 192;
/** Crop side as a multiple of the box's larger side. */
export const MESH_CROP = 1.4;
/** Smallest box (frame px) worth checking: FaceMesh still scores real faces ~1 at 27 px. */
export const MESH_MIN_BOX = 20;
/** Most boxes checked per frame (the largest first): busy pictures stay bounded; the rest get no score. */
export const MESH_MAX_BOXES = 12;

export interface FaceMeshModel {
  /** "Face in view" (0..1) of each of `count` [192, 192, 3] inputs in [0, 1] stacked in `inputs`. Synchronous. */
  run(inputs: Float32Array, count: number): Float32Array;
  dispose(): void;
}

export async function loadFaceMesh(): Promise<FaceMeshModel> {
  const { tf, model } = await loadPackagedGraph(join(packagedModelPaths().modelsDir, 'facemesh.json'));
  return {
    run(inputs, count) {
      if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`batch size must be a positive integer, got ${count}`);
      if (inputs.length !== count * MESH_INPUT * MESH_INPUT * 3) throw new RangeError(`expected ${count}x${MESH_INPUT}x${MESH_INPUT}x3 values, got ${inputs.length}`);
      const x = tf.tensor(inputs, [count, MESH_INPUT, MESH_INPUT, 3], 'float32');
      let outputs: Tensor[] = [];
      try {
        // (one output name: tfjs answers a tensor, not a list)
        const out = model.execute(x, ['Identity_1']) as Tensor[] | Tensor;
        outputs = Array.isArray(out) ? out : [out];
        return Float32Array.from(outputs[0]?.dataSync() ?? []);
      } finally {
        x.dispose();
        for (const t of outputs) t.dispose();
      }
    },
    dispose() {
      model.dispose();
    },
  };
}

/** The crop FaceMesh looks at for a box (frame px), or null when it is not wholly inside the frame. */
export function meshCrop(box: FaceBox, width: number, height: number): { left: number; top: number; side: number } | null {
  const size = Math.max(box.width, box.height);
  if (size < MESH_MIN_BOX) return null;
  const side = Math.round(size * MESH_CROP);
  const left = Math.round(box.x + box.width / 2 - side / 2);
  const top = Math.round(box.y + box.height / 2 - side / 2);
  if (left < 0 || top < 0 || left + side > width || top + side > height) return null;
  return { left, top, side };
}

/** The boxes, each checkable one (largest first, up to MESH_MAX_BOXES) with its `faceScore`; one graph call. */
export function checkFaces(model: FaceMeshModel, frame: RgbFrame, boxes: readonly FaceBox[]): FaceBox[] {
  const out = boxes.map((box) => ({ ...box }));
  const crops = out
    .map((box) => ({ box, crop: meshCrop(box, frame.width, frame.height) }))
    .filter((c): c is { box: FaceBox; crop: NonNullable<ReturnType<typeof meshCrop>> } => c.crop !== null)
    .sort((a, b) => b.crop.side - a.crop.side)
    .slice(0, MESH_MAX_BOXES);
  if (crops.length === 0) return out;
  const size = MESH_INPUT * MESH_INPUT * 3;
  const inputs = new Float32Array(crops.length * size);
  crops.forEach(({ crop }, i) => {
    const pixels = cropSquare(frame, crop.left, crop.top, crop.side);
    inputs.set(resizeToUnitInput(pixels, crop.side, crop.side, MESH_INPUT, MESH_INPUT), i * size);
  });
  const scores = model.run(inputs, crops.length);
  crops.forEach(({ box }, i) => {
    box.faceScore = scores[i] as number;
  });
  return out;
}
