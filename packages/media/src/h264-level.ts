// Picks the lowest H.264 level (Annex A) that fits a rung, and spells the RFC 6381 codec string for it.

interface LevelLimits {
  level: string;
  idc: number;
  maxMbPerSecond: number;
  maxFrameMbs: number;
  /** kbit/s for Baseline/Main; High allows 1.25x. */
  maxBitrateKbps: number;
  maxCpbKbits: number;
}

const LEVELS: readonly LevelLimits[] = [
  { level: '2.1', idc: 21, maxMbPerSecond: 19_800, maxFrameMbs: 792, maxBitrateKbps: 4_000, maxCpbKbits: 4_000 },
  { level: '2.2', idc: 22, maxMbPerSecond: 20_250, maxFrameMbs: 1_620, maxBitrateKbps: 4_000, maxCpbKbits: 4_000 },
  { level: '3.0', idc: 30, maxMbPerSecond: 40_500, maxFrameMbs: 1_620, maxBitrateKbps: 10_000, maxCpbKbits: 10_000 },
  { level: '3.1', idc: 31, maxMbPerSecond: 108_000, maxFrameMbs: 3_600, maxBitrateKbps: 14_000, maxCpbKbits: 14_000 },
  { level: '3.2', idc: 32, maxMbPerSecond: 216_000, maxFrameMbs: 5_120, maxBitrateKbps: 20_000, maxCpbKbits: 20_000 },
  { level: '4.0', idc: 40, maxMbPerSecond: 245_760, maxFrameMbs: 8_192, maxBitrateKbps: 20_000, maxCpbKbits: 25_000 },
  { level: '4.1', idc: 41, maxMbPerSecond: 245_760, maxFrameMbs: 8_192, maxBitrateKbps: 50_000, maxCpbKbits: 62_500 },
  { level: '4.2', idc: 42, maxMbPerSecond: 522_240, maxFrameMbs: 8_704, maxBitrateKbps: 50_000, maxCpbKbits: 62_500 },
  { level: '5.0', idc: 50, maxMbPerSecond: 589_824, maxFrameMbs: 22_080, maxBitrateKbps: 135_000, maxCpbKbits: 135_000 },
  { level: '5.1', idc: 51, maxMbPerSecond: 983_040, maxFrameMbs: 36_864, maxBitrateKbps: 240_000, maxCpbKbits: 240_000 },
  { level: '5.2', idc: 52, maxMbPerSecond: 2_073_600, maxFrameMbs: 36_864, maxBitrateKbps: 240_000, maxCpbKbits: 240_000 },
];

const HIGH_PROFILE_FACTOR = 1.25;

export interface H264LevelChoice {
  level: string;
  idc: number;
}

export function chooseH264Level(input: {
  width: number;
  height: number;
  fps: number;
  maxrateBps: number;
  bufsizeBits: number;
}): H264LevelChoice {
  const mbWide = Math.ceil(input.width / 16);
  const mbHigh = Math.ceil(input.height / 16);
  const frameMbs = mbWide * mbHigh;
  const mbPerSecond = frameMbs * input.fps;
  const fits = LEVELS.find(
    (l) =>
      frameMbs <= l.maxFrameMbs &&
      // Annex A also bounds each side: at most sqrt(8 * MaxFS) macroblocks.
      Math.max(mbWide, mbHigh) <= Math.sqrt(8 * l.maxFrameMbs) &&
      mbPerSecond <= l.maxMbPerSecond &&
      input.maxrateBps <= l.maxBitrateKbps * 1000 * HIGH_PROFILE_FACTOR &&
      input.bufsizeBits <= l.maxCpbKbits * 1000 * HIGH_PROFILE_FACTOR,
  );
  const chosen = fits ?? LEVELS[LEVELS.length - 1];
  return { level: chosen?.level ?? '5.2', idc: chosen?.idc ?? 52 };
}

/** RFC 6381 codec string for H.264 High profile (profile_idc 100, no constraint flags) at a level. */
export function avc1HighCodecString(levelIdc: number): string {
  return `avc1.6400${levelIdc.toString(16).padStart(2, '0')}`;
}
