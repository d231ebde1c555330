// The ground-truth shapes shared by the face-clip generator and the metrics that score a blur against it.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A face's tight box (brow/hairline to chin, ear to ear) in DISPLAY pixels, i.e. after any rotation tag is applied. */
export interface TruthBox extends Rect {
  /** Stable per face across frames, so a tracker's identity switches can be scored too. */
  id: number;
}

export interface FaceClipTruth {
  /** Display size (a 'rotated' clip is coded height x width and shown width x height). */
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** One list per frame; a box may reach past the frame edge (only its inside part is visible). */
  frames: TruthBox[][];
}

export type FaceScenario = 'crowd' | 'none' | 'closeup' | 'edges' | 'dark' | 'rotated';

export const FACE_SCENARIOS: readonly FaceScenario[] = ['crowd', 'none', 'closeup', 'edges', 'dark', 'rotated'];
