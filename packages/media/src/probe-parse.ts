// Pure normalisation of ffprobe's JSON and packet listing into a MediaProbe.
import type { MediaProbe, ProbedAudioStream, ProbedVideoStream, Rational } from './media-probe.ts';

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  nb_frames?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
}

export interface PacketSummary {
  /** Latest pts + duration over all streams, in ms. */
  endMs: number | null;
  /** Packets per stream index. */
  counts: Map<number, number>;
  /** Sorted pts (seconds) of each stream. */
  pts: Map<number, number[]>;
}

function positiveNumber(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

export function parseRational(value: string | undefined): Rational | null {
  if (!value) return null;
  const [numText, denText = '1'] = value.split('/');
  const num = Number.parseInt(numText ?? '', 10);
  const den = Number.parseInt(denText, 10);
  if (!Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) return null;
  return { num, den };
}

export function rationalValue(r: Rational): number {
  return r.num / r.den;
}

/** Clockwise degrees ffmpeg's autorotate turns the picture: display matrix angle (counter-clockwise) negated, or the rotate tag. */
export function parseRotation(stream: RawStream): 0 | 90 | 180 | 270 {
  let clockwise = 0;
  const matrix = stream.side_data_list?.find((d) => d.side_data_type === 'Display Matrix');
  if (matrix && typeof matrix.rotation === 'number') clockwise = -matrix.rotation;
  else if (stream.tags?.rotate) clockwise = Number.parseInt(stream.tags.rotate, 10) || 0;
  const normalised = (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
  return normalised as 0 | 90 | 180 | 270;
}

export function summarisePackets(csv: string): PacketSummary {
  const counts = new Map<number, number>();
  const pts = new Map<number, number[]>();
  let end: number | null = null;
  for (const line of csv.split('\n')) {
    const [indexText, ptsText, durationText] = line.split(',');
    if (!indexText || !ptsText) continue;
    const index = Number.parseInt(indexText, 10);
    const t = Number.parseFloat(ptsText);
    if (!Number.isFinite(index) || !Number.isFinite(t)) continue;
    counts.set(index, (counts.get(index) ?? 0) + 1);
    const list = pts.get(index);
    if (list) list.push(t);
    else pts.set(index, [t]);
    const duration = Number.parseFloat(durationText ?? '');
    const packetEnd = t + (Number.isFinite(duration) ? duration : 0);
    if (end === null || packetEnd > end) end = packetEnd;
  }
  for (const list of pts.values()) list.sort((a, b) => a - b);
  return { endMs: end === null ? null : Math.round(end * 1000), counts, pts };
}

/**
 * Variable frame rate when more than 2% of frame intervals differ from the median interval by over 25%
 * (millisecond time bases round 33.3 ms to 33/34 ms, which stays well inside that tolerance).
 */
export function looksVariableFrameRate(sortedPts: readonly number[]): boolean {
  const deltas: number[] = [];
  for (let i = 1; i < sortedPts.length; i++) {
    const a = sortedPts[i - 1];
    const b = sortedPts[i];
    if (a !== undefined && b !== undefined) deltas.push(b - a);
  }
  if (deltas.length < 3) return false;
  const median = [...deltas].sort((a, b) => a - b)[Math.floor(deltas.length / 2)] ?? 0;
  if (median <= 0) return true;
  const off = deltas.filter((d) => Math.abs(d - median) > median * 0.25).length;
  return off / deltas.length > 0.02;
}

function parseVideo(stream: RawStream, packets: PacketSummary): ProbedVideoStream {
  const index = stream.index ?? 0;
  const avgFrameRate = parseRational(stream.avg_frame_rate);
  const realFrameRate = parseRational(stream.r_frame_rate);
  const sar = parseRational(stream.sample_aspect_ratio);
  const pts = packets.pts.get(index) ?? [];
  const measuredAvg =
    pts.length > 1 ? (pts.length - 1) / ((pts[pts.length - 1] ?? 0) - (pts[0] ?? 0) || Number.POSITIVE_INFINITY) : 0;
  return {
    index,
    codec: stream.codec_name ?? 'unknown',
    profile: stream.profile ?? null,
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    rotation: parseRotation(stream),
    sampleAspectRatio: sar ? rationalValue(sar) : 1,
    // MediaRecorder WebM has no average rate in its header: derive it from the packet scan.
    avgFrameRate: avgFrameRate ?? (measuredAvg > 0 ? { num: Math.round(measuredAvg * 1000), den: 1000 } : null),
    realFrameRate,
    vfr: looksVariableFrameRate(pts),
    pixelFormat: stream.pix_fmt ?? null,
    bitRate: positiveNumber(stream.bit_rate),
    headerFrameCount: positiveNumber(stream.nb_frames),
    packetCount: packets.counts.get(index) ?? 0,
  };
}

function parseAudio(stream: RawStream): ProbedAudioStream {
  return {
    index: stream.index ?? 0,
    codec: stream.codec_name ?? 'unknown',
    channels: stream.channels ?? 0,
    sampleRate: positiveNumber(stream.sample_rate),
    bitRate: positiveNumber(stream.bit_rate),
  };
}

export function parseProbe(json: unknown, packets: PacketSummary, sizeBytes: number): MediaProbe {
  const raw = (json ?? {}) as RawProbe;
  const streams = raw.streams ?? [];
  // Cover art in an MP4 is a "video" stream with attached_pic; it is not the video.
  const videoStream = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const formatName = raw.format?.format_name ?? '';
  const headerSeconds = positiveNumber(raw.format?.duration);
  const durationMs = headerSeconds !== null ? Math.round(headerSeconds * 1000) : packets.endMs;
  return {
    formatName,
    formatNames: formatName.split(',').filter(Boolean),
    durationMs,
    durationSource: headerSeconds !== null ? 'header' : packets.endMs !== null ? 'packets' : null,
    sizeBytes,
    bitRate: positiveNumber(raw.format?.bit_rate),
    video: videoStream ? parseVideo(videoStream, packets) : null,
    audio: audioStream ? parseAudio(audioStream) : null,
    streamCount: streams.length,
  };
}
