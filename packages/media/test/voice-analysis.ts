// Synthetic voices and the measurements that show what a voice filter did to them (tests and benchmarks only):
// a source-filter vowel with known pitch and formants, WAV writing, autocorrelation pitch, formant stretch.

export interface VowelSpec {
  sampleRate: number;
  seconds: number;
  /** Fundamental frequency of the glottal pulse train, Hz. */
  f0: number;
  /** Formant centre frequencies, Hz (bandwidths grow with frequency as in natural speech). */
  formants: readonly number[];
  /** Peak level of the result, dBFS. */
  peakDb?: number;
}

/** Two-pole resonator (Klatt) in place: centre `freq`, bandwidth `bw`, unity gain at DC. */
function resonate(x: Float64Array, sampleRate: number, freq: number, bw: number): void {
  const c = -Math.exp((-2 * Math.PI * bw) / sampleRate);
  const b = 2 * Math.exp((-Math.PI * bw) / sampleRate) * Math.cos((2 * Math.PI * freq) / sampleRate);
  const a = 1 - b - c;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const y = a * x[n]! + b * y1 + c * y2;
    y2 = y1;
    y1 = y;
    x[n] = y;
  }
}

/**
 * A sustained vowel: a Rosenberg glottal pulse train (with a little jitter-free vibrato so it sounds voiced, not
 * buzzy) through a cascade of formant resonators and lip radiation, faded in and out over 20 ms.
 */
export function synthesizeVowel(spec: VowelSpec): Float32Array {
  const { sampleRate, seconds, f0 } = spec;
  const n = Math.round(sampleRate * seconds);
  const glottal = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    // Rosenberg pulse: 40% opening, 16% closing, closed the rest of the period.
    const open = 0.4;
    const close = 0.16;
    if (phase < open) glottal[i] = 0.5 * (1 - Math.cos((Math.PI * phase) / open));
    else if (phase < open + close) glottal[i] = Math.cos((Math.PI * (phase - open)) / (2 * close));
    else glottal[i] = 0;
    phase += f0 / sampleRate;
    if (phase >= 1) phase -= 1;
  }
  // Lip radiation: first difference (+6 dB/octave); removes the pulse train's DC as well.
  const voiced = new Float64Array(n);
  for (let i = 1; i < n; i++) voiced[i] = glottal[i]! - glottal[i - 1]!;
  for (const formant of spec.formants) resonate(voiced, sampleRate, formant, 50 + formant * 0.05);
  let peak = 0;
  for (const v of voiced) peak = Math.max(peak, Math.abs(v));
  const gain = 10 ** ((spec.peakDb ?? -6) / 20) / peak;
  const fade = Math.round(sampleRate * 0.02);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const edge = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = voiced[i]! * gain * edge;
  }
  return out;
}

/** A WAV file (32-bit float PCM) with the same signal in every channel. */
export function encodeWavFloat(samples: Float32Array, sampleRate: number, channels: number): Buffer {
  const dataBytes = samples.length * channels * 4;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(3, 20); // IEEE float
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * 4, 28);
  buf.writeUInt16LE(channels * 4, 32);
  buf.writeUInt16LE(32, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  let offset = 44;
  for (const s of samples) {
    for (let c = 0; c < channels; c++) {
      buf.writeFloatLE(s, offset);
      offset += 4;
    }
  }
  return buf;
}

/** Interleaved little-endian float32 PCM (ffmpeg `-f f32le`) split into one array per channel. */
export function deinterleave(raw: Buffer, channels: number): Float32Array[] {
  const frames = Math.floor(raw.length / (4 * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) out[c]![i] = raw.readFloatLE((i * channels + c) * 4);
  }
  return out;
}

export function peakDbfs(x: Float32Array): number {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return 20 * Math.log10(peak);
}

export function rmsDbfs(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return 10 * Math.log10(sum / x.length);
}

/** Correlation of x[start..start+frame) with itself `lag` samples later, for lag in [fromLag, toLag]. */
function normalisedAutocorrelation(
  x: Float32Array,
  start: number,
  frame: number,
  energy: number,
  fromLag: number,
  toLag: number,
): Float64Array {
  const r = new Float64Array(toLag + 1);
  for (let lag = fromLag; lag <= toLag; lag++) {
    let acc = 0;
    let e2 = 0;
    for (let i = 0; i < frame; i++) {
      acc += x[start + i]! * x[start + i + lag]!;
      e2 += x[start + i + lag]! ** 2;
    }
    r[lag] = acc / Math.sqrt(energy * e2 + 1e-20);
  }
  return r;
}

/**
 * Fundamental frequency by normalised autocorrelation over 60-500 Hz with parabolic interpolation, median over
 * 40 ms frames. Null when no frame is clearly periodic (silence, noise).
 */
export function estimateF0(x: Float32Array, sampleRate: number): number | null {
  const frame = Math.round(sampleRate * 0.04);
  const minLag = Math.floor(sampleRate / 500);
  const maxLag = Math.ceil(sampleRate / 60);
  const estimates: number[] = [];
  for (let start = 0; start + frame + maxLag + 1 < x.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += x[start + i]! ** 2;
    if (energy < 1e-8 * frame) continue;
    const r = normalisedAutocorrelation(x, start, frame, energy, minLag - 1, maxLag + 1);
    // The first lag whose correlation is near the best one avoids octave errors (picking 2T for T).
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) best = Math.max(best, r[lag]!);
    if (best < 0.6) continue;
    for (let lag = minLag; lag <= maxLag; lag++) {
      if (r[lag]! >= 0.9 * best && r[lag]! >= r[lag - 1]! && r[lag]! >= r[lag + 1]!) {
        const denom = r[lag - 1]! - 2 * r[lag]! + r[lag + 1]!;
        const shift = denom === 0 ? 0 : (0.5 * (r[lag - 1]! - r[lag + 1]!)) / denom;
        estimates.push(sampleRate / (lag + shift));
        break;
      }
    }
  }
  if (estimates.length === 0) return null;
  estimates.sort((a, b) => a - b);
  return estimates[Math.floor(estimates.length / 2)]!;
}

/**
 * Harmonics-to-noise ratio in dB (Boersma's autocorrelation method): how periodic the voiced signal still is, so
 * how much roughness or phasiness a filter added. Median over 40 ms frames; null for silence.
 */
export function harmonicsToNoiseDb(x: Float32Array, sampleRate: number): number | null {
  const frame = Math.round(sampleRate * 0.04);
  const minLag = Math.floor(sampleRate / 500);
  const maxLag = Math.ceil(sampleRate / 60);
  const values: number[] = [];
  for (let start = 0; start + frame + maxLag + 1 < x.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += x[start + i]! ** 2;
    if (energy < 1e-8 * frame) continue;
    const r = normalisedAutocorrelation(x, start, frame, energy, minLag - 1, maxLag + 1);
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      if (r[lag]! < r[lag - 1]! || r[lag]! < r[lag + 1]!) continue;
      // The true period falls between samples: interpolate the peak's height, not just its position.
      const denom = r[lag - 1]! - 2 * r[lag]! + r[lag + 1]!;
      const shift = denom === 0 ? 0 : (0.5 * (r[lag - 1]! - r[lag + 1]!)) / denom;
      best = Math.max(best, r[lag]! - 0.25 * (r[lag - 1]! - r[lag + 1]!) * shift);
    }
    const rr = Math.min(best, 0.999999);
    values.push(10 * Math.log10(rr / (1 - rr)));
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

/**
 * The level (dB) of each harmonic k*f0 below `maxHz`: a Hann-windowed DFT evaluated exactly at the harmonics. With
 * the voice's pitch known, these samples of the spectral envelope carry no bias towards any formant estimate.
 */
export function harmonicLevelsDb(x: Float32Array, sampleRate: number, f0: number, maxHz = 4000): [number, number][] {
  const n = x.length;
  const levels: [number, number][] = [];
  for (let k = 1; k * f0 < maxHz; k++) {
    const omega = (2 * Math.PI * k * f0) / sampleRate;
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const w = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
      re += w * Math.cos(omega * i);
      im -= w * Math.sin(omega * i);
    }
    levels.push([k * f0, 10 * Math.log10(re * re + im * im + 1e-20)]);
  }
  return levels;
}

function levelAt(levels: readonly [number, number][], hz: number): number | null {
  for (let i = 0; i + 1 < levels.length; i++) {
    const [f1, a1] = levels[i]!;
    const [f2, a2] = levels[i + 1]!;
    if (hz >= f1 && hz <= f2) return a1 + ((a2 - a1) * (hz - f1)) / (f2 - f1);
  }
  return null;
}

/**
 * How far the formants moved: the frequency scale s (0.6..1.6) for which the output's harmonic levels best match the
 * input's envelope read at f / s (correlation over 300-3600 Hz). 1 = formants kept, 0.88 = all 12% lower.
 */
export function formantStretch(before: readonly [number, number][], after: readonly [number, number][]): number {
  let bestScale = 1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let step = 0; step <= 200; step++) {
    const scale = 0.6 + step * 0.005;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [hz, level] of after) {
      if (hz < 300 || hz > 3600) continue;
      const source = levelAt(before, hz / scale);
      if (source === null) continue;
      xs.push(source);
      ys.push(level);
    }
    if (xs.length < 4) continue;
    const score = correlation(xs, ys);
    if (score > bestScore) {
      bestScore = score;
      bestScale = scale;
    }
  }
  return bestScale;
}

function correlation(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy + 1e-20);
}

/** First and last instants (s) where the 5 ms RMS envelope exceeds a tenth of its maximum: where the voice is. */
export function voicedSpan(x: Float32Array, sampleRate: number): { start: number; end: number } | null {
  const hop = Math.max(1, Math.round(sampleRate * 0.001));
  const win = Math.round(sampleRate * 0.005);
  const envelope: number[] = [];
  for (let s = 0; s + win <= x.length; s += hop) {
    let e = 0;
    for (let i = 0; i < win; i++) e += x[s + i]! ** 2;
    envelope.push(Math.sqrt(e / win));
  }
  const max = envelope.reduce((m, e) => Math.max(m, e), 0);
  if (max < 1e-6) return null;
  const first = envelope.findIndex((e) => e > max * 0.1);
  let last = envelope.length - 1;
  while (envelope[last]! <= max * 0.1) last--;
  return { start: (first * hop) / sampleRate, end: (last * hop + win) / sampleRate };
}
