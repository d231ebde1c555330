// planLadder: pure. Decides the renditions (rungs) of the HLS ladder for a validated source: sizes by short side,
// frame rates, keyframe interval, rate control and audio. The ffmpeg command is built from this in ladder-args.ts.
import { avc1HighCodecString, chooseH264Level } from './h264-level.ts';
import type { Rational } from './media-probe.ts';
import type { ValidatedSource } from './validate-source.ts';

export const SEGMENT_SECONDS = 2;

/** Short-side sizes of the ladder, largest first. */
export const RUNG_SHORT_SIDES = [1080, 720, 480, 360] as const;

/** A source this close below a rung's size still gets that rung, at its own size (no upscaling, no quality cliff). */
const NEAR_RUNG_TOLERANCE = 0.05;

interface RungRecipe {
  bitsPerPixel: number;
  crf: number;
  maxFps: number;
  audioBitrate: number;
}

const RECIPES: Record<number, RungRecipe> = {
  1080: { bitsPerPixel: 0.08, crf: 23, maxFps: 60, audioBitrate: 128_000 },
  720: { bitsPerPixel: 0.09, crf: 23, maxFps: 60, audioBitrate: 128_000 },
  480: { bitsPerPixel: 0.1, crf: 24, maxFps: 30, audioBitrate: 96_000 },
  360: { bitsPerPixel: 0.11, crf: 25, maxFps: 30, audioBitrate: 96_000 },
};
const SMALL_SOURCE_RECIPE: RungRecipe = { bitsPerPixel: 0.12, crf: 25, maxFps: 30, audioBitrate: 96_000 };

/** Lowest maxrate we ask of x264, even for a source with an absurdly low bitrate. */
const MIN_MAXRATE = 32_000;

export type X264Preset = 'superfast' | 'veryfast';

export interface LadderRung {
  /** Variant name and output folder: "v1080" for the rung whose short side is 1080 (portrait or landscape). */
  name: string;
  shortSide: number;
  width: number;
  height: number;
  frameRate: Rational;
  /** Set when the rung needs ffmpeg's fps filter (source above the rung's cap, or variable frame rate). */
  fpsFilter: Rational | null;
  /** Keyframe interval in frames: SEGMENT_SECONDS of the output rate. */
  gopFrames: number;
  crf: number;
  maxrate: number;
  bufsize: number;
  preset: X264Preset;
  x264Params: string | null;
  profile: 'high';
  level: string;
  /** RFC 6381 CODECS for the master playlist, e.g. "avc1.640028,mp4a.40.2". */
  codecs: string;
  audioBitrate: number | null;
  /** Declared peak bits per second (video maxrate + audio) until measured from the segments. */
  bandwidth: number;
}

export interface AudioPlan {
  codec: 'aac';
  channels: 2;
  sampleRate: 48_000;
}

export interface LadderPlan {
  rungs: LadderRung[];
  audio: AudioPlan | null;
  segmentSeconds: number;
  durationMs: number;
  source: ValidatedSource;
}

function evenRound(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

function evenFloor(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function reduce(r: Rational): Rational {
  const g = gcd(r.num, r.den) || 1;
  return { num: r.num / g, den: r.den / g };
}

function value(r: Rational): number {
  return r.num / r.den;
}

/** Output frame rate of a rung and whether the fps filter is needed for it. */
export function rungFrameRate(source: ValidatedSource, maxFps: number): { frameRate: Rational; fpsFilter: Rational | null } {
  const sourceRate = source.frameRate && value(source.frameRate) <= 240 ? source.frameRate : null;
  if (source.vfr || !sourceRate) {
    // Uneven timestamps: resample to a constant rate near the average, never above 30.
    const average = sourceRate ? Math.round(value(sourceRate)) : 30;
    const target = { num: Math.min(30, Math.max(10, average)), den: 1 };
    return { frameRate: target, fpsFilter: target };
  }
  if (value(sourceRate) <= maxFps + 0.01) return { frameRate: reduce(sourceRate), fpsFilter: null };
  // Divide by a whole number (60 -> 30, 50 -> 25, 120 -> 30) so motion stays even, no duplicated frames.
  const divisor = Math.ceil(value(sourceRate) / maxFps - 0.001);
  const rate = reduce({ num: sourceRate.num, den: sourceRate.den * divisor });
  return { frameRate: rate, fpsFilter: rate };
}

function rungSizes(width: number, height: number): { shortSide: number; width: number; height: number }[] {
  const short = Math.min(width, height);
  const portrait = height > width;
  const sizes: { shortSide: number; width: number; height: number }[] = [];
  for (const target of RUNG_SHORT_SIDES) {
    if (short >= target) {
      const long = evenRound((Math.max(width, height) * target) / short);
      sizes.push({ shortSide: target, width: portrait ? target : long, height: portrait ? long : target });
    } else if (short >= target * (1 - NEAR_RUNG_TOLERANCE) && sizes.length === 0) {
      sizes.push({ shortSide: target, width: evenFloor(width), height: evenFloor(height) });
    }
  }
  if (sizes.length === 0) {
    const w = evenFloor(width);
    const h = evenFloor(height);
    sizes.push({ shortSide: Math.min(w, h), width: w, height: h });
  }
  return sizes;
}

export function planLadder(source: ValidatedSource): LadderPlan {
  const hasAudio = source.audio !== null;
  const rungs = rungSizes(source.displayWidth, source.displayHeight).map((size): LadderRung => {
    const recipe = RECIPES[size.shortSide] ?? SMALL_SOURCE_RECIPE;
    const { frameRate, fpsFilter } = rungFrameRate(source, recipe.maxFps);
    const fps = value(frameRate);
    const byBitsPerPixel = size.width * size.height * fps * recipe.bitsPerPixel;
    const capped = source.videoBitRate !== null ? Math.min(byBitsPerPixel, source.videoBitRate) : byBitsPerPixel;
    const maxrate = Math.max(MIN_MAXRATE, Math.round(capped / 1000) * 1000);
    const bufsize = 2 * maxrate;
    const level = chooseH264Level({ width: size.width, height: size.height, fps, maxrateBps: maxrate, bufsizeBits: bufsize });
    // superfast with mbtree back on for the 1080 and 720 rungs (docs/adr-010-ladder-presets.md)
    const fast = size.shortSide >= 720;
    const audioBitrate = hasAudio ? recipe.audioBitrate : null;
    return {
      name: `v${size.shortSide}`,
      shortSide: size.shortSide,
      width: size.width,
      height: size.height,
      frameRate,
      fpsFilter,
      gopFrames: Math.max(1, Math.round(SEGMENT_SECONDS * fps)),
      crf: recipe.crf,
      maxrate,
      bufsize,
      preset: fast ? 'superfast' : 'veryfast',
      x264Params: fast ? 'mbtree=1:rc-lookahead=10' : null,
      profile: 'high',
      level: level.level,
      codecs: [avc1HighCodecString(level.idc), ...(hasAudio ? ['mp4a.40.2'] : [])].join(','),
      audioBitrate,
      bandwidth: maxrate + (audioBitrate ?? 0),
    };
  });
  return {
    rungs,
    audio: hasAudio ? { codec: 'aac', channels: 2, sampleRate: 48_000 } : null,
    segmentSeconds: SEGMENT_SECONDS,
    durationMs: source.durationMs,
    source,
  };
}
