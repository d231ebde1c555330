import { describe, expect, it } from 'vitest';
import { COARSE_MIN_BOX, EDGE_PAD, INPUT_ALIGN, MODEL_MAX_FACE, MODEL_MIN_FACE, planScales } from './scale-plan.ts';

describe('planScales', () => {
  it('maps the smallest face to the model\'s smallest reliable face on the finest level', () => {
    const [first] = planScales(1080, 1920, 40);
    expect(40 * (first?.scale ?? 0)).toBeGreaterThanOrEqual(MODEL_MIN_FACE - 0.1);
    expect(40 * (first?.scale ?? 0)).toBeLessThan(MODEL_MIN_FACE + 0.5);
  });

  it('covers every face size from minFaceSize up to the frame\'s longer side with overlapping levels', () => {
    for (const [w, h, min] of [
      [1080, 1920, 40],
      [1920, 1080, 40],
      [3840, 2160, 40],
      [720, 1280, 24],
      [1080, 1920, 100],
    ] as const) {
      const levels = planScales(w, h, min);
      for (let i = 1; i < levels.length; i++) {
        const finer = levels[i - 1]!;
        const coarser = levels[i]!;
        // the coarser level's smallest box is smaller than the finer level's largest face
        expect(coarser.minBox).toBe(COARSE_MIN_BOX);
        expect(COARSE_MIN_BOX / coarser.scale).toBeLessThan(MODEL_MAX_FACE / finer.scale);
      }
      expect(MODEL_MAX_FACE / levels[levels.length - 1]!.scale).toBeGreaterThanOrEqual(Math.max(w, h) * 0.99);
    }
  });

  it('reports every box on the finest level', () => {
    expect(planScales(1080, 1920, 40)[0]?.minBox).toBe(0);
  });

  it('mirror-pads each side, then pads to multiples of the coarsest stride, and never enlarges the frame', () => {
    for (const level of planScales(1080, 1920, 40)) {
      expect(level.pad).toBe(Math.min(EDGE_PAD, level.width, level.height));
      expect(level.inputWidth % INPUT_ALIGN).toBe(0);
      expect(level.inputHeight % INPUT_ALIGN).toBe(0);
      expect(level.inputWidth - level.width - 2 * level.pad).toBeLessThan(INPUT_ALIGN);
      expect(level.inputHeight - level.height - 2 * level.pad).toBeLessThan(INPUT_ALIGN);
    }
    const tiny = planScales(64, 20, 10, { edgePad: 32 });
    // at most as much mirror as there is picture
    expect(tiny[0]).toMatchObject({ scale: 1, width: 64, height: 20, pad: 20, inputWidth: 128, inputHeight: 64 });
    expect(planScales(1080, 1920, 40, { edgePad: 0, modelMinFace: 18 })[0]).toMatchObject({ pad: 0, inputWidth: 512, inputHeight: 864 });
  });

  it('is one small level for a thumbnail-sized frame', () => {
    expect(planScales(100, 60, 40)).toHaveLength(1);
    expect(planScales(100, 60, 40, { modelMinFace: 9 })[0]?.scale).toBeCloseTo(9 / 40, 1);
  });

  it('refuses nonsense', () => {
    expect(() => planScales(0, 100, 40)).toThrow(RangeError);
    expect(() => planScales(100.5, 100, 40)).toThrow(RangeError);
    expect(() => planScales(100, 100, 0)).toThrow(RangeError);
    expect(() => planScales(100, 100, Number.NaN)).toThrow(RangeError);
  });
});
