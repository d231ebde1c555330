// Synthetic voices and the measurements that show what a voice filter did to them (tests and benchmarks only):
// a source-filter vowel with known pitch and formants, WAV writing, autocorrelation pitch, LPC formant peaks.

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

/** The middle `seconds` of a signal, away from fades and filter start-up. */
export function middle(x: Float32Array, sampleRate: number, seconds: number): Float32Array {
  const len = Math.min(x.length, Math.round(sampleRate * seconds));
  const start = Math.floor((x.length - len) / 2);
  return x.subarray(start, start + len);
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

/** LPC coefficients a[1..order] (A(z) = 1 + sum a_k z^-k) by autocorrelation and Levinson-Durbin. */
function lpc(x: Float64Array, order: number): Float64Array {
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) {
    let acc = 0;
    for (let i = lag; i < x.length; i++) acc += x[i]! * x[i - lag]!;
    r[lag] = acc;
  }
  r[0] = r[0]! * (1 + 1e-9) + 1e-12;
  const a = new Float64Array(order + 1);
  a[0] = 1;
  let err = r[0]!;
  for (let i = 1; i <= order; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc += a[j]! * r[i - j]!;
    const k = -acc / err;
    const prev = a.slice();
    for (let j = 1; j < i; j++) a[j] = prev[j]! + k * prev[i - j]!;
    a[i] = k;
    err *= 1 - k * k;
  }
  return a;
}

/**
 * Spectral envelope in dB on a 10 Hz grid from 0 to `maxHz`: LPC of the pre-emphasised, Hann-windowed middle of
 * the signal, averaged over frames. `sampleRate` should be low (16 kHz) so a small order resolves formants.
 */
export function lpcEnvelopeDb(x: Float32Array, sampleRate: number, maxHz = 5000, order = 18): Float64Array {
  const frame = Math.round(sampleRate * 0.05);
  const bins = Math.floor(maxHz / 10) + 1;
  const sum = new Float64Array(bins);
  let frames = 0;
  for (let start = 0; start + frame <= x.length; start += frame) {
    const w = new Float64Array(frame);
    let energy = 0;
    for (let i = 0; i < frame; i++) {
      const pre = x[start + i]! - 0.9 * (i + start > 0 ? x[start + i - 1]! : 0);
      w[i] = pre * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (frame - 1)));
      energy += w[i]! ** 2;
    }
    if (energy < 1e-9 * frame) continue;
    const a = lpc(w, order);
    for (let b = 0; b < bins; b++) {
      const omega = (2 * Math.PI * b * 10) / sampleRate;
      let re = 0;
      let im = 0;
      for (let k = 0; k <= order; k++) {
        re += a[k]! * Math.cos(omega * k);
        im -= a[k]! * Math.sin(omega * k);
      }
      sum[b] = sum[b]! - 10 * Math.log10(re * re + im * im);
    }
    frames++;
  }
  for (let b = 0; b < bins; b++) sum[b] = sum[b]! / Math.max(frames, 1);
  return sum;
}

/** Local maxima of an envelope (10 Hz grid) above `minHz`, strongest-first trimmed to `count`, then by frequency. */
export function envelopePeaks(envelope: Float64Array, count: number, minHz = 200): number[] {
  const peaks: { hz: number; db: number }[] = [];
  for (let b = Math.ceil(minHz / 10); b < envelope.length - 1; b++) {
    if (envelope[b]! > envelope[b - 1]! && envelope[b]! >= envelope[b + 1]!) peaks.push({ hz: b * 10, db: envelope[b]! });
  }
  return peaks
    .sort((p, q) => q.db - p.db)
    .slice(0, count)
    .map((p) => p.hz)
    .sort((p, q) => p - q);
}

/**
 * The frequency-axis stretch that best maps the `before` envelope onto the `after` one (after(f) ~ before(f / s)),
 * searched from 0.6 to 1.6 over 300-4000 Hz by correlation of the mean-removed dB curves.
 */
export function envelopeStretch(before: Float64Array, after: Float64Array): number {
  const lo = 30;
  const hi = 400;
  let bestScale = 1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let scale = 0.6; scale <= 1.6001; scale += 0.005) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let b = lo; b <= hi; b++) {
      const src = b / scale;
      const i = Math.floor(src);
      if (i + 1 >= before.length) continue;
      const frac = src - i;
      xs.push(before[i]! * (1 - frac) + before[i + 1]! * frac);
      ys.push(after[b]!);
    }
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
