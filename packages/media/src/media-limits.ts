// What we accept as an upload: demuxers, codecs and size/duration limits (defaults; callers pass their config).

/** ffprobe's `format_name` for the demuxers we accept. Never decided by file extension. */
export const ALLOWED_DEMUXERS = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'mov',
  'matroska,webm': 'matroska',
} as const satisfies Record<string, string>;

export type ForcedDemuxer = (typeof ALLOWED_DEMUXERS)[keyof typeof ALLOWED_DEMUXERS];

/** The same list in the form `-format_whitelist` wants: every short name of the accepted demuxers. */
export const FORMAT_WHITELIST = Object.keys(ALLOWED_DEMUXERS).join(',');

export const ALLOWED_VIDEO_CODECS: readonly string[] = ['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4'];

export const ALLOWED_AUDIO_CODEC_PREFIXES: readonly string[] = [
  'aac',
  'mp3',
  'opus',
  'vorbis',
  'ac3',
  'eac3',
  'alac',
  'flac',
  'amr_nb',
  'amr_wb',
  'pcm_',
];

export interface MediaLimits {
  maxDurationMs: number;
  /** Longest side, after rotation does not matter: both sides are checked. */
  maxSide: number;
  /** Anti decompression bomb: width * height of the coded picture. */
  maxPixels: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  maxDurationMs: 180_000,
  maxSide: 4096,
  maxPixels: 4096 * 2304,
};
