// voiceDisguiseFilter: pure. The ffmpeg audio filter chain that disguises a speaker's voice by moving its pitch and
// its formants (the vocal-tract resonances) by different amounts, keeping tempo, sample rate and channel layout.
// Why this chain, and what it does not protect against: docs/voice-disguise.md.

/** Pitch change, in semitones (negative: lower). -4 takes a 120 Hz voice to 95 Hz, a 210 Hz voice to 167 Hz. */
export const DEFAULT_VOICE_SEMITONES = -4;
/** Formant frequencies are multiplied by this (below 1: a longer vocal tract, a "bigger" speaker). */
export const DEFAULT_FORMANT_RATIO = 0.88;

export const VOICE_SEMITONES_MIN = -8;
export const VOICE_SEMITONES_MAX = 8;
export const FORMANT_RATIO_MIN = 0.75;
export const FORMANT_RATIO_MAX = 1.33;
/**
 * Below both of these the voice is barely changed, so a "disguised" clip would still be recognisable: such
 * options are refused rather than giving a member a false sense of safety.
 */
export const MIN_DISGUISE_SEMITONES = 2;
export const MIN_DISGUISE_FORMANT_CHANGE = 0.06;

/** Samples are limited to this peak (-1 dBFS) so the AAC encoder after the chain never clips. */
export const VOICE_PEAK_LIMIT = 0.891;

/**
 * Rubber Band 3's option bit for its R3 ("finer") engine (RubberBandOptionEngineFiner). ffmpeg 5.1's rubberband
 * filter has no engine option, but it ORs every integer option into the library's option word, so the bit is passed
 * through `channels` (whose own value, `apart`, is 0). Needed because the default R2 engine barely preserves
 * formants (asked to keep them while raising pitch by 26%, it still moved them by 18%; R3 by 2% at most), and R2
 * also roughens a lowered voice (2 dB less harmonics-to-noise on speech). Libraries older than 3.0 ignore the bit
 * and fall back to R2; the integration test catches that.
 */
const RUBBERBAND_ENGINE_FINER = 0x20000000;
/**
 * R3 with its short window: 2.4 times less CPU than its standard window, with the same pitch, formant and
 * harmonics-to-noise figures on speech, and less silence appended (60 instead of 100 ms per pass).
 */
const RUBBERBAND_R3_SHORT = `window=short:channels=${RUBBERBAND_ENGINE_FINER}`;

export interface VoiceDisguiseOptions {
  /** Pitch change in semitones, VOICE_SEMITONES_MIN..MAX; default DEFAULT_VOICE_SEMITONES. */
  semitones?: number;
  /** Formant frequency ratio, FORMANT_RATIO_MIN..MAX; default DEFAULT_FORMANT_RATIO. */
  formantRatio?: number;
  /**
   * The source audio's duration, when known: the output is cut there, dropping the ~0.13 s of silence the two
   * rubberband passes append, so the audio ends with the video.
   */
  durationSeconds?: number;
}

function checkFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`voice disguise: ${name} must be a finite number, got ${String(value)}`);
  }
}

function checkRange(name: string, value: number, min: number, max: number): void {
  checkFinite(name, value);
  if (value < min || value > max) {
    throw new RangeError(`voice disguise: ${name} must be between ${min} and ${max}, got ${value}`);
  }
}

/** ffmpeg option values: fixed precision, no exponent notation, no trailing zeros. */
function num(value: number): string {
  return String(Number(value.toFixed(6)));
}

/**
 * An ffmpeg audio filter chain (comma-separated, no pad labels) for one audio branch of a `-filter_complex` graph,
 * before the AAC encoder. Any sample rate and channel layout in, the same out; tempo and timing unchanged (speech
 * stays where it was to within 15 ms; each rubberband pass adds about 60 ms of silence after the end).
 *
 * 1. rubberband pitch=F, formants shifted: everything moves by F (like resampling, but tempo kept).
 * 2. rubberband pitch=P/F, formants preserved (R3 engine): pitch moves on to P, formants stay at F.
 * 3. alimiter: the vocoder can raise peaks by 2 dB; keep them under -1 dBFS, with its look-ahead delay compensated.
 * 4. atrim (with durationSeconds): drop the silence the passes append after the end.
 */
export function voiceDisguiseFilter(options: VoiceDisguiseOptions = {}): string {
  const semitones = options.semitones ?? DEFAULT_VOICE_SEMITONES;
  const formantRatio = options.formantRatio ?? DEFAULT_FORMANT_RATIO;
  checkRange('semitones', semitones, VOICE_SEMITONES_MIN, VOICE_SEMITONES_MAX);
  checkRange('formantRatio', formantRatio, FORMANT_RATIO_MIN, FORMANT_RATIO_MAX);
  if (Math.abs(semitones) < MIN_DISGUISE_SEMITONES && Math.abs(formantRatio - 1) < MIN_DISGUISE_FORMANT_CHANGE) {
    throw new RangeError(
      `voice disguise: semitones ${semitones} and formantRatio ${formantRatio} would leave the voice recognisable; ` +
        `shift pitch by at least ${MIN_DISGUISE_SEMITONES} semitones or formants by at least ` +
        `${Math.round(MIN_DISGUISE_FORMANT_CHANGE * 100)}%`,
    );
  }
  if (options.durationSeconds !== undefined) {
    checkFinite('durationSeconds', options.durationSeconds);
    if (options.durationSeconds < 0.001) {
      throw new RangeError(`voice disguise: durationSeconds must be positive, got ${options.durationSeconds}`);
    }
  }
  const pitchRatio = 2 ** (semitones / 12);
  const stages: string[] = [];
  if (formantRatio !== 1) {
    stages.push(`rubberband=pitch=${num(formantRatio)}:formant=shifted:${RUBBERBAND_R3_SHORT}`);
  }
  const remainingPitch = pitchRatio / formantRatio;
  if (Math.abs(remainingPitch - 1) > 1e-6) {
    stages.push(`rubberband=pitch=${num(remainingPitch)}:formant=preserved:${RUBBERBAND_R3_SHORT}`);
  }
  stages.push(`alimiter=limit=${VOICE_PEAK_LIMIT}:level=false:latency=true`);
  // atrim's duration counts from the first sample, so a source whose audio starts after 0 is cut right too.
  if (options.durationSeconds !== undefined) stages.push(`atrim=duration=${num(options.durationSeconds)}`);
  return stages.join(',');
}
