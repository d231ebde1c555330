// voiceDisguiseFilter run by the real ffmpeg on synthetic voices with known pitch and formants (and on flite
// speech): pitch and formants land where asked, timing, sample rate, layout and level are kept, peaks never clip.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORMANT_RATIO, DEFAULT_VOICE_SEMITONES, voiceDisguiseFilter } from '../src/voice-disguise.ts';
import {
  deinterleave,
  encodeWavFloat,
  estimateF0,
  formantStretch,
  harmonicLevelsDb,
  harmonicsToNoiseDb,
  peakDbfs,
  rmsDbfs,
  synthesizeVowel,
  voicedSpan,
} from './voice-analysis.ts';

const execFileAsync = promisify(execFile);
const ANALYSIS_RATE = 16_000;
const DEFAULT_PITCH_RATIO = 2 ** (DEFAULT_VOICE_SEMITONES / 12);
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-voice-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Two adult "speakers": a low voice and a high one, each a vowel like the /a/ in "father" for its vocal tract. */
const LOW_VOICE = { f0: 120, formants: [700, 1200, 2600, 3500] } as const;
const HIGH_VOICE = { f0: 210, formants: [800, 1400, 2900, 3900] } as const;

interface TestSignal {
  sampleRate: number;
  channels: number;
  voice: { f0: number; formants: readonly number[] };
  peakDb?: number;
}

/** 0.5 s silence, 2 s vowel, 0.5 s silence, as a float WAV. */
async function writeVoice(name: string, spec: TestSignal): Promise<string> {
  const vowel = synthesizeVowel({ sampleRate: spec.sampleRate, seconds: 2, ...spec.voice, peakDb: spec.peakDb ?? -6 });
  const samples = new Float32Array(spec.sampleRate * 3);
  samples.set(vowel, spec.sampleRate / 2);
  const path = join(work, `${name}.wav`);
  await writeFile(path, encodeWavFloat(samples, spec.sampleRate, spec.channels));
  return path;
}

/** Runs ffmpeg; `-benchmark` reports its user CPU time (printed at the info level, hence not `-v error`). */
async function ffmpeg(args: string[]): Promise<{ cpuSeconds: number }> {
  const { stderr } = await execFileAsync('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-y', '-benchmark', ...args]);
  const utime = /utime=([\d.]+)s/.exec(stderr);
  return { cpuSeconds: Number(utime?.[1] ?? Number.NaN) };
}

/** Runs the chain as the one filter of an audio-only ffmpeg run, output float WAV at whatever rate it yields. */
async function disguise(input: string, chain: string, name: string): Promise<{ path: string; cpuSeconds: number }> {
  const path = join(work, `${name}.out.wav`);
  const { cpuSeconds } = await ffmpeg(['-i', input, '-af', chain, '-c:a', 'pcm_f32le', path]);
  return { path, cpuSeconds };
}

interface AudioStream {
  sampleRate: number;
  channels: number;
  layout: string;
  duration: number;
}

async function probeAudio(path: string): Promise<AudioStream> {
  const { stdout } = await execFileAsync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'a:0', '-of', 'json'],
    ...['-show_entries', 'stream=sample_rate,channels,channel_layout,duration', path],
  ]);
  const stream = JSON.parse(stdout).streams[0];
  return {
    sampleRate: Number(stream.sample_rate),
    channels: stream.channels,
    layout: stream.channel_layout ?? '',
    duration: Number(stream.duration),
  };
}

/** Every channel as float samples; at `sampleRate` and mixed to mono when asked (analysis), else as stored. */
async function decode(path: string, analysis?: boolean): Promise<Float32Array[]> {
  const convert = analysis ? ['-ac', '1', '-ar', String(ANALYSIS_RATE)] : [];
  const { stdout } = await execFileAsync('ffmpeg', ['-v', 'error', '-i', path, ...convert, '-f', 'f32le', '-'], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  const channels = analysis ? 1 : (await probeAudio(path)).channels;
  return deinterleave(stdout, channels);
}

interface VoiceFacts {
  f0: number | null;
  harmonics: [number, number][];
  /** Harmonics-to-noise ratio: how clean (not rough or phasey) the voice still is. */
  hnrDb: number | null;
  rmsDb: number;
  span: { start: number; end: number } | null;
}

/** Pitch, spectral envelope and level of the middle 1.5 s of the vowel (away from its start and end). */
function voiceFacts(x: Float32Array, sampleRate: number): VoiceFacts {
  const vowel = x.subarray(Math.round(sampleRate * 0.75), Math.round(sampleRate * 2.25));
  const f0 = estimateF0(vowel, sampleRate);
  return {
    f0,
    harmonics: f0 === null ? [] : harmonicLevelsDb(vowel, sampleRate, f0),
    hnrDb: harmonicsToNoiseDb(vowel, sampleRate),
    rmsDb: rmsDbfs(vowel),
    span: voicedSpan(x, sampleRate),
  };
}

async function analyse(path: string): Promise<VoiceFacts> {
  const [mono] = await decode(path, true);
  return voiceFacts(mono!, ANALYSIS_RATE);
}

describe('voiceDisguiseFilter with the default options', () => {
  for (const [label, voice] of [
    ['a low voice (120 Hz)', LOW_VOICE],
    ['a high voice (210 Hz)', HIGH_VOICE],
  ] as const) {
    it(`moves ${label} 4 semitones down and its formants 12% down, keeping timing, level and format`, async () => {
      const input = await writeVoice(`default-${voice.f0}`, { sampleRate: 48_000, channels: 1, voice });
      const { path } = await disguise(input, voiceDisguiseFilter(), `default-${voice.f0}`);
      const before = await analyse(input);
      const after = await analyse(path);

      expect(before.f0).toBeCloseTo(voice.f0, 0);
      expect(after.f0! / before.f0!).toBeGreaterThan(DEFAULT_PITCH_RATIO * 0.99);
      expect(after.f0! / before.f0!).toBeLessThan(DEFAULT_PITCH_RATIO * 1.01);
      const stretch = formantStretch(before.harmonics, after.harmonics);
      expect(Math.abs(stretch - DEFAULT_FORMANT_RATIO)).toBeLessThan(0.05);
      // Formants did not simply follow the pitch (that would be a plain resample, undone by one knob).
      expect(stretch - DEFAULT_PITCH_RATIO).toBeGreaterThan(0.04);
      // Still a clean voice: the source is 40-42 dB, R3 keeps 44-46 dB, the R2 engine drops to 13 dB (rough).
      expect(before.hnrDb).toBeGreaterThan(35);
      expect(after.hnrDb).toBeGreaterThan(30);

      // The voice starts and stops where it did (lip sync); only silence is added after the end.
      expect(Math.abs(after.span!.start - before.span!.start)).toBeLessThan(0.025);
      expect(Math.abs(after.span!.end - before.span!.end)).toBeLessThan(0.025);
      const source = await probeAudio(input);
      const out = await probeAudio(path);
      expect(out.duration).toBeGreaterThanOrEqual(source.duration);
      expect(out.duration - source.duration).toBeLessThan(0.2);
      expect({ sampleRate: out.sampleRate, channels: out.channels }).toEqual({ sampleRate: 48_000, channels: 1 });

      expect(Math.abs(after.rmsDb - before.rmsDb)).toBeLessThan(3);
      const [samples] = await decode(path);
      expect(peakDbfs(samples!)).toBeLessThan(-0.9);
    });
  }

  it('with durationSeconds ends exactly when the source does', async () => {
    const input = await writeVoice('trimmed', { sampleRate: 44_100, channels: 1, voice: LOW_VOICE });
    const { path } = await disguise(input, voiceDisguiseFilter({ durationSeconds: 3 }), 'trimmed');
    const [samples] = await decode(path);
    expect(samples!.length).toBe(3 * 44_100);
    expect((await analyse(path)).span!.end).toBeCloseTo(2.5, 1);
  });
});

describe('voiceDisguiseFilter moves pitch and formants independently', () => {
  it.each([
    { label: 'low', voice: LOW_VOICE },
    { label: 'high', voice: HIGH_VOICE },
  ])('pitch only ($label voice): 4 semitones down, formants kept within 9%', async ({ label, voice }) => {
    const input = await writeVoice(`pitch-only-${label}`, { sampleRate: 48_000, channels: 1, voice });
    const chain = voiceDisguiseFilter({ semitones: -4, formantRatio: 1 });
    const { path } = await disguise(input, chain, `pitch-only-${label}`);
    const before = await analyse(input);
    const after = await analyse(path);
    expect(after.f0! / before.f0!).toBeCloseTo(DEFAULT_PITCH_RATIO, 2);
    const stretch = formantStretch(before.harmonics, after.harmonics);
    expect(Math.abs(stretch - 1)).toBeLessThan(0.09);
    expect(stretch - DEFAULT_PITCH_RATIO).toBeGreaterThan(0.1);
  });

  // Rubber Band's formant preservation lets a little of the second pass's pitch move into the formants (0-40% of it,
  // depending on the voice), so formants land within a few percent of the request, never back at the start.
  it('formants only: 15% down (within 6%), pitch kept within 1%', async () => {
    const input = await writeVoice('formant-only', { sampleRate: 48_000, channels: 1, voice: HIGH_VOICE });
    const { path } = await disguise(input, voiceDisguiseFilter({ semitones: 0, formantRatio: 0.85 }), 'formant-only');
    const before = await analyse(input);
    const after = await analyse(path);
    expect(Math.abs(after.f0! / before.f0! - 1)).toBeLessThan(0.01);
    expect(Math.abs(formantStretch(before.harmonics, after.harmonics) - 0.85)).toBeLessThan(0.06);
  });

  it('upwards: 4 semitones and 14% up', async () => {
    const input = await writeVoice('upwards', { sampleRate: 48_000, channels: 1, voice: LOW_VOICE });
    const { path } = await disguise(input, voiceDisguiseFilter({ semitones: 4, formantRatio: 1.14 }), 'upwards');
    const before = await analyse(input);
    const after = await analyse(path);
    expect(after.f0! / before.f0!).toBeCloseTo(2 ** (4 / 12), 2);
    expect(Math.abs(formantStretch(before.harmonics, after.harmonics) - 1.14)).toBeLessThan(0.05);
  });
});

describe('voiceDisguiseFilter keeps the sample rate and channel layout', () => {
  it.each([
    { sampleRate: 44_100, channels: 1, layout: 'mono' },
    { sampleRate: 44_100, channels: 2, layout: 'stereo' },
    { sampleRate: 48_000, channels: 2, layout: 'stereo' },
    { sampleRate: 48_000, channels: 6, layout: '5.1' },
  ])('$sampleRate Hz $layout: every channel disguised', async ({ sampleRate, channels, layout }) => {
    const name = `format-${sampleRate}-${layout}`;
    const wav = await writeVoice(`${name}-raw`, { sampleRate, channels, voice: HIGH_VOICE });
    // Tag the layout the way a real upload carries it.
    const input = join(work, `${name}.wav`);
    await ffmpeg(['-i', wav, '-af', `aformat=channel_layouts=${layout}`, '-c:a', 'pcm_f32le', input]);
    const { path } = await disguise(input, voiceDisguiseFilter(), name);
    const out = await probeAudio(path);
    expect(out).toMatchObject({ sampleRate, channels, layout });
    const decoded = await decode(path);
    expect(decoded).toHaveLength(channels);
    for (const channel of decoded) {
      const f0 = estimateF0(channel.subarray(sampleRate, 2 * sampleRate), sampleRate);
      expect(f0! / HIGH_VOICE.f0).toBeCloseTo(DEFAULT_PITCH_RATIO, 2);
      expect(peakDbfs(channel)).toBeLessThan(-0.9);
    }
  });

  it('flite speech at 16 kHz: lower by 4 semitones, still 16 kHz mono', async () => {
    const input = join(work, 'flite.wav');
    const text = 'Today I have ninety days clean, and I want to thank everyone who stood by me.';
    await ffmpeg(['-f', 'lavfi', '-i', `flite=text='${text}':voice=slt`, '-c:a', 'pcm_f32le', input]);
    const { path } = await disguise(input, voiceDisguiseFilter(), 'flite');
    expect(await probeAudio(path)).toMatchObject({ sampleRate: 16_000, channels: 1 });
    const [before] = await decode(input);
    const [after] = await decode(path);
    const ratio = estimateF0(after!, 16_000)! / estimateF0(before!, 16_000)!;
    expect(Math.abs(ratio / DEFAULT_PITCH_RATIO - 1)).toBeLessThan(0.03);
  });
});

describe('voiceDisguiseFilter on edge inputs', () => {
  it('a silent track stays silent, same format, no error', async () => {
    const input = join(work, 'silent.wav');
    await writeFile(input, encodeWavFloat(new Float32Array(48_000 * 2), 48_000, 2));
    const { path } = await disguise(input, voiceDisguiseFilter(), 'silent');
    const out = await probeAudio(path);
    expect(out).toMatchObject({ sampleRate: 48_000, channels: 2 });
    expect(out.duration).toBeGreaterThanOrEqual(2);
    for (const channel of await decode(path)) {
      expect(channel.length).toBeGreaterThanOrEqual(2 * 48_000);
      expect(channel.every((v) => v === 0)).toBe(true);
    }
  });

  it('a voice peaking at -0.3 dBFS comes out at -1 dBFS at most (the vocoder alone goes over 0 dBFS)', async () => {
    const input = await writeVoice('loud', { sampleRate: 48_000, channels: 1, voice: LOW_VOICE, peakDb: -0.3 });
    const { path } = await disguise(input, voiceDisguiseFilter(), 'loud');
    const [samples] = await decode(path);
    expect(peakDbfs(samples!)).toBeLessThan(-0.95);
    const unlimited = voiceDisguiseFilter().replace(/,alimiter=[^,]*/, '');
    const raw = await disguise(input, unlimited, 'loud-unlimited');
    const [rawSamples] = await decode(raw.path);
    expect(peakDbfs(rawSamples!)).toBeGreaterThan(0);
  });

  it('works as an audio branch of -filter_complex before the AAC encoder, A/V lengths matching', async () => {
    const wav = await writeVoice('clip-audio', { sampleRate: 48_000, channels: 2, voice: HIGH_VOICE });
    const clip = join(work, 'clip.mp4');
    const graph = `[1:a:0]${voiceDisguiseFilter({ durationSeconds: 3 })}[voice]`;
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'color=black:size=64x64:rate=25:duration=3', '-i', wav],
      ...['-filter_complex', graph, '-map', '0:v', '-map', '[voice]'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '96k', clip],
    ]);
    const audio = await probeAudio(clip);
    expect(audio).toMatchObject({ sampleRate: 48_000, channels: 2, layout: 'stereo' });
    expect(Math.abs(audio.duration - 3)).toBeLessThan(0.05);
    const facts = await analyse(clip);
    expect(facts.f0! / HIGH_VOICE.f0).toBeCloseTo(DEFAULT_PITCH_RATIO, 2);
  });

  // The R3 engine's standard window costs 0.31-0.36 here; the short one 0.15.
  it('costs under 0.3 CPU-seconds per second of stereo 48 kHz audio', async () => {
    const input = join(work, 'long.wav');
    const vowel = synthesizeVowel({ sampleRate: 48_000, seconds: 10, ...HIGH_VOICE });
    await writeFile(input, encodeWavFloat(vowel, 48_000, 2));
    const { cpuSeconds } = await disguise(input, voiceDisguiseFilter(), 'long');
    const baseline = await disguise(input, 'anull', 'long-baseline');
    const perAudioSecond = (cpuSeconds - baseline.cpuSeconds) / 10;
    console.log(`voice disguise: ${perAudioSecond.toFixed(3)} CPU-s per audio-second (stereo 48 kHz)`);
    expect(perAudioSecond).toBeGreaterThan(0);
    expect(perAudioSecond).toBeLessThan(0.3);
  });
});
