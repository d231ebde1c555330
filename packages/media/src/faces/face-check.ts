// A second opinion on BlazeFace's boxes: MediaPipe's FaceMesh (human's models/facemesh.json, 192 px input) has a
// "face in view" output. Run on a square crop 1.4x the box (how MediaPipe and human feed it), it is ~1 for real faces
// from ~27 px up and ~0 for what BlazeFace confuses with faces: a cat (BlazeFace 0.8-0.9), a cup's rim, a suit.
// Measured on the generated clips (docs/face-detection.md): every real face's track had a crop scoring >= 0.95,
// nothing else scored above 0.08. Single crops of real faces do fail (dark, small, rolled: min 0.04), so the verdict
// is per track, over all its detections (face-tracker.ts), never per box. A box whose crop reaches past one side of
// the frame (a face cut by that edge) is checked on the crop mirrored there (the frame's mirror padding, the way the
// detector saw it): real faces cut by one edge scored 0.83-1.0 at least once per track on the generated clips, the
// edge boxes on a cat's face, furniture and suits at most 0.05; that score is kept apart (`edgeFaceScore`) because
// the face-tracker trusts it less. A crop past two sides (a corner, mirrored twice: real faces scored 0.002-0.49
// there) or mostly outside the frame is not checked and gets no score.
import { loadPackagedModel } from './blazeface-model.ts';
import { type FramePixels, squareAbout } from './frame-pixels.ts';
import { resizeToUnitInput } from './rgb-resize.ts';
import type { Box } from './obscure.ts';
import type { FaceBox } from './tiles.ts';

/** FaceMesh's input side (px). */
export const MESH_INPUT = 192;
/** Crop side as a multiple of the box's larger side. */
export const MESH_CROP = 1.4;
/** Smallest box (frame px) worth checking: FaceMesh still scores real faces ~1 at 27 px. */
export const MESH_MIN_BOX = 20;
/** Least share of an edge check's crop (along the side it crosses) that must lie inside the frame. */
export const EDGE_CHECK_MIN_VISIBLE = 0.6;
/** Most boxes checked per frame (the largest first): busy pictures stay bounded; the rest get no score. */
export const MESH_MAX_BOXES = 12;

export interface FaceMeshModel {
  /** "Face in view" (0..1) of each of `count` [192, 192, 3] inputs in [0, 1] stacked in `inputs`. */
  run(inputs: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function loadFaceMesh(): Promise<FaceMeshModel> {
  const model = await loadPackagedModel('facemesh', 'input_1', ['Identity_1']);
  return {
    run: async (inputs, count) => (await model.run(inputs, count, MESH_INPUT, MESH_INPUT))[0] as Float32Array,
    dispose: () => model.dispose(),
  };
}

/** The crop FaceMesh looks at for a box (frame px), or null when it is not wholly inside the frame. */
export function meshCrop(box: FaceBox, width: number, height: number): { left: number; top: number; side: number } | null {
  const crop = meshSquare(box);
  if (!crop) return null;
  const { left, top, side } = crop;
  return left < 0 || top < 0 || left + side > width || top + side > height ? null : crop;
}

/** The square FaceMesh is fed for a box, wherever it lies, or null for a tiny box. */
function meshSquare(box: FaceBox): { left: number; top: number; side: number } | null {
  const size = Math.max(box.width, box.height);
  return size < MESH_MIN_BOX ? null : squareAbout(box, Math.round(size * MESH_CROP));
}

/**
 * The mirrored crop FaceMesh looks at for a box cut by one side of the frame: its meshCrop square when that reaches
 * past exactly one side and keeps at least EDGE_CHECK_MIN_VISIBLE of its side inside; null otherwise (inside the
 * frame: meshCrop's; in a corner, past two opposite sides, or mostly outside: not checked).
 */
export function edgeCrop(box: FaceBox, width: number, height: number): { left: number; top: number; side: number } | null {
  const crop = meshSquare(box);
  if (!crop) return null;
  const { left, top, side } = crop;
  const past = [left < 0, top < 0, left + side > width, top + side > height].filter(Boolean).length;
  if (past !== 1) return null;
  const visible = Math.min((Math.min(width, left + side) - Math.max(0, left)) / side, (Math.min(height, top + side) - Math.max(0, top)) / side);
  return visible >= EDGE_CHECK_MIN_VISIBLE ? crop : null;
}

/**
 * Whether a box is (very likely) a face already confirmed a few frames earlier at `known`: its centre within half
 * the known box's size of the known centre, and a similar size. Faces move between detections, so this is looser
 * than an overlap test; a wrong match only leaves a box unchecked, which keeps it obscured.
 */
export function alreadyConfirmed(box: FaceBox, known: readonly Box[]): boolean {
  const size = Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return known.some((k) => {
    const ks = Math.max(k.width, k.height);
    const ratio = size / ks;
    return ratio >= 2 / 3 && ratio <= 1.5 && Math.hypot(cx - (k.x + k.width / 2), cy - (k.y + k.height / 2)) <= ks / 2;
  });
}

/**
 * The boxes, each checkable one (largest first, up to MESH_MAX_BOXES) with its `faceScore` (crop inside the frame)
 * or `edgeFaceScore` (mirrored crop of a box cut by one edge); one graph call. Boxes of faces already confirmed
 * (`known`, from the tracker) are not checked again: FaceMesh was ~35 ms of every detection.
 */
export async function checkFaces(model: FaceMeshModel, frame: FramePixels, boxes: readonly FaceBox[], known: readonly Box[] = []): Promise<FaceBox[]> {
  const out = boxes.map((box) => ({ ...box }));
  const crops = out
    .filter((box) => !alreadyConfirmed(box, known))
    .map((box) => {
      const inside = meshCrop(box, frame.width, frame.height);
      return { box, crop: inside ?? edgeCrop(box, frame.width, frame.height), mirrored: !inside };
    })
    .filter((c): c is { box: FaceBox; crop: NonNullable<ReturnType<typeof meshCrop>>; mirrored: boolean } => c.crop !== null)
    .sort((a, b) => b.crop.side - a.crop.side)
    .slice(0, MESH_MAX_BOXES);
  if (crops.length === 0) return out;
  const size = MESH_INPUT * MESH_INPUT * 3;
  const inputs = new Float32Array(crops.length * size);
  crops.forEach(({ crop }, i) => {
    const pixels = frame.crop(crop.left, crop.top, crop.side);
    inputs.set(resizeToUnitInput(pixels, crop.side, crop.side, MESH_INPUT, MESH_INPUT), i * size);
  });
  const scores = await model.run(inputs, crops.length);
  crops.forEach(({ box, mirrored }, i) => {
    if (mirrored) box.edgeFaceScore = scores[i] as number;
    else box.faceScore = scores[i] as number;
  });
  return out;
}
