import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORMANT_RATIO,
  DEFAULT_VOICE_SEMITONES,
  FORMANT_RATIO_MAX,
  FORMANT_RATIO_MIN,
  VOICE_SEMITONES_MAX,
  VOICE_SEMITONES_MIN,
  voiceDisguiseFilter,
} from './voice-disguise.ts';

interface Stage {
  name: string;
  options: Record<string, string>;
}

function stages(chain: string): Stage[] {
  return chain.split(',').map((stage) => {
    const eq = stage.indexOf('=');
    const options: Record<string, string> = {};
    if (eq !== -1) {
      for (const pair of stage.slice(eq + 1).split(':')) {
        const [key, value] = pair.split('=');
        if (key && value !== undefined) options[key] = value;
      }
    }
    return { name: eq === -1 ? stage : stage.slice(0, eq), options };
  });
}

/** What the chain does to pitch and formants, read back from its rubberband stages. */
function effect(chain: string): { pitch: number; formants: number } {
  let pitch = 1;
  let formants = 1;
  for (const { name, options } of stages(chain)) {
    if (name !== 'rubberband') continue;
    const ratio = Number(options['pitch']);
    pitch *= ratio;
    if (options['formant'] === 'shifted') formants *= ratio;
  }
  return { pitch, formants };
}

describe('voiceDisguiseFilter', () => {
  it('by default lowers pitch by 4 semitones and formants by 12%, then limits peaks to -1 dBFS', () => {
    expect(DEFAULT_VOICE_SEMITONES).toBe(-4);
    expect(DEFAULT_FORMANT_RATIO).toBe(0.88);
    const chain = voiceDisguiseFilter();
    const { pitch, formants } = effect(chain);
    expect(pitch).toBeCloseTo(2 ** (-4 / 12), 5);
    expect(formants).toBeCloseTo(0.88, 5);
    const list = stages(chain);
    expect(list.map((s) => s.name)).toEqual(['rubberband', 'rubberband', 'alimiter']);
    expect(list[2]!.options).toMatchObject({ limit: '0.891', level: 'false', latency: 'true' });
  });

  it('is one unlabelled chain (fits a -filter_complex branch) with no sample rate, layout or tempo change', () => {
    const chain = voiceDisguiseFilter();
    expect(chain).not.toMatch(/[[\];]/);
    expect(chain).not.toMatch(/asetrate|aresample|aformat|atempo|tempo=|pan=/);
    expect(chain).not.toMatch(/e[-+]\d/); // no exponent notation ffmpeg might misread
  });

  it('asks Rubber Band for its R3 engine with the short window on both passes (R2 does not keep formants still)', () => {
    for (const stage of stages(voiceDisguiseFilter()).filter((s) => s.name === 'rubberband')) {
      expect(Number(stage.options['channels']) & 0x20000000).toBe(0x20000000);
      expect(stage.options['window']).toBe('short');
    }
  });

  it('moves pitch and formants independently', () => {
    const up = effect(voiceDisguiseFilter({ semitones: 5, formantRatio: 1.2 }));
    expect(up.pitch).toBeCloseTo(2 ** (5 / 12), 5);
    expect(up.formants).toBeCloseTo(1.2, 5);
    const opposite = effect(voiceDisguiseFilter({ semitones: 3, formantRatio: 0.9 }));
    expect(opposite.pitch).toBeCloseTo(2 ** (3 / 12), 5);
    expect(opposite.formants).toBeCloseTo(0.9, 5);
  });

  it('leaves out a pass that would do nothing', () => {
    const pitchOnly = voiceDisguiseFilter({ semitones: -4, formantRatio: 1 });
    expect(stages(pitchOnly).filter((s) => s.name === 'rubberband')).toHaveLength(1);
    expect(effect(pitchOnly)).toEqual({ pitch: expect.closeTo(2 ** (-4 / 12), 5), formants: 1 });
    // Pitch and formants moved by the same ratio: one formant-shifting pass does it all.
    const together = voiceDisguiseFilter({ semitones: 12 * Math.log2(0.88), formantRatio: 0.88 });
    expect(stages(together).filter((s) => s.name === 'rubberband')).toHaveLength(1);
    expect(effect(together).pitch).toBeCloseTo(0.88, 5);
  });

  it('cuts the output at durationSeconds when given', () => {
    const list = stages(voiceDisguiseFilter({ durationSeconds: 12.3456789 }));
    expect(list.at(-1)).toEqual({ name: 'atrim', options: { duration: '12.345679' } });
    expect(voiceDisguiseFilter()).not.toContain('atrim');
  });

  it('accepts the limits themselves', () => {
    expect(() => voiceDisguiseFilter({ semitones: VOICE_SEMITONES_MIN, formantRatio: FORMANT_RATIO_MIN })).not.toThrow();
    expect(() => voiceDisguiseFilter({ semitones: VOICE_SEMITONES_MAX, formantRatio: FORMANT_RATIO_MAX })).not.toThrow();
    expect(() => voiceDisguiseFilter({ semitones: 0, formantRatio: 0.94 })).not.toThrow();
    expect(() => voiceDisguiseFilter({ semitones: -2, formantRatio: 1 })).not.toThrow();
  });

  it.each([
    [{ semitones: VOICE_SEMITONES_MIN - 0.5 }, /semitones must be between -8 and 8, got -8.5/],
    [{ semitones: 24 }, /semitones must be between -8 and 8, got 24/],
    [{ semitones: Number.NaN }, /semitones must be a finite number, got NaN/],
    [{ semitones: Number.POSITIVE_INFINITY }, /semitones must be a finite number, got Infinity/],
    [{ semitones: '3' as unknown as number }, /semitones must be a finite number, got 3/],
    [{ formantRatio: 0 }, /formantRatio must be between 0.75 and 1.33, got 0/],
    [{ formantRatio: -0.9 }, /formantRatio must be between 0.75 and 1.33, got -0.9/],
    [{ formantRatio: 1.5 }, /formantRatio must be between 0.75 and 1.33, got 1.5/],
    [{ formantRatio: Number.NaN }, /formantRatio must be a finite number/],
    [{ semitones: 0, formantRatio: 1 }, /would leave the voice recognisable/],
    [{ semitones: 1.5, formantRatio: 1.05 }, /would leave the voice recognisable/],
    [{ semitones: -1, formantRatio: 0.97 }, /would leave the voice recognisable/],
    [{ durationSeconds: 0 }, /durationSeconds must be positive, got 0/],
    [{ durationSeconds: -3 }, /durationSeconds must be positive/],
    [{ durationSeconds: Number.NaN }, /durationSeconds must be a finite number/],
  ])('refuses %o with a RangeError', (options, message) => {
    expect(() => voiceDisguiseFilter(options)).toThrow(RangeError);
    expect(() => voiceDisguiseFilter(options)).toThrow(message);
  });
});
