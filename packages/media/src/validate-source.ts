// validateSource: pure policy on a MediaProbe. Either refuses the upload with a 422 a member can understand, or
// returns the facts the ladder planner and the ffmpeg command need (display size after rotation, demuxer to force).
import { invalidMedia } from './media-error.ts';
import {
  ALLOWED_AUDIO_CODEC_PREFIXES,
  ALLOWED_DEMUXERS,
  ALLOWED_VIDEO_CODECS,
  DEFAULT_MEDIA_LIMITS,
  type ForcedDemuxer,
  type MediaLimits,
} from './media-limits.ts';
import type { MediaProbe, Rational } from './media-probe.ts';

export interface ValidatedSource {
  /** Passed to ffmpeg as `-f`, so the input is never re-probed as something else. */
  demuxer: ForcedDemuxer;
  durationMs: number;
  /** Size as shown to the viewer: rotation and non-square pixels applied. */
  displayWidth: number;
  displayHeight: number;
  codedWidth: number;
  codedHeight: number;
  rotation: 0 | 90 | 180 | 270;
  videoCodec: string;
  pixelFormat: string | null;
  /** Average frame rate; null when the file gives no usable rate (treated like VFR). */
  frameRate: Rational | null;
  vfr: boolean;
  /** Bits per second of the video stream (or the whole file minus audio) when known: rungs never exceed it. */
  videoBitRate: number | null;
  audio: { codec: string; channels: number } | null;
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

export function validateSource(probe: MediaProbe, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): ValidatedSource {
  const demuxer = (ALLOWED_DEMUXERS as Record<string, ForcedDemuxer>)[probe.formatName];
  if (!demuxer) {
    throw invalidMedia('unsupported_container', 'This file is not a video format we accept. Please upload an MP4, MOV or WebM video.', {
      format: probe.formatName,
    });
  }
  const video = probe.video;
  if (!video) {
    throw invalidMedia('no_video_stream', 'This file has no picture, only sound. Please upload a video.', {
      hasAudio: probe.audio !== null,
    });
  }
  if (!ALLOWED_VIDEO_CODECS.includes(video.codec)) {
    throw invalidMedia('unsupported_codec', 'This video is encoded in a format we cannot play. Please export it as H.264 MP4 and try again.', {
      codec: video.codec,
    });
  }
  const audio = probe.audio;
  if (audio && !ALLOWED_AUDIO_CODEC_PREFIXES.some((prefix) => audio.codec.startsWith(prefix))) {
    throw invalidMedia('unsupported_codec', 'The sound in this video is in a format we cannot play. Please export it with AAC audio and try again.', {
      codec: audio.codec,
    });
  }
  const { width, height } = video;
  if (width <= 0 || height <= 0) {
    throw invalidMedia('corrupt_media', 'This video file seems damaged. Please try uploading it again.', { reason: 'no_dimensions' });
  }
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw invalidMedia('resolution_too_large', 'This video’s picture is larger than we accept (up to 4K). Please export a smaller version.', {
      width,
      height,
      maxSide: limits.maxSide,
      maxPixels: limits.maxPixels,
    });
  }
  if (probe.durationMs === null || probe.durationMs <= 0) {
    throw invalidMedia('corrupt_media', 'We could not tell how long this video is; the file may be damaged. Please try again.', {
      reason: 'no_duration',
    });
  }
  if (probe.durationMs > limits.maxDurationMs) {
    const maxMinutes = Math.floor(limits.maxDurationMs / 60_000);
    const maxSeconds = Math.round((limits.maxDurationMs % 60_000) / 1000);
    const limitText = maxSeconds === 0 ? `${maxMinutes} minute${maxMinutes === 1 ? '' : 's'}` : `${Math.round(limits.maxDurationMs / 1000)} seconds`;
    throw invalidMedia('duration_too_long', `This video is too long. Videos can be up to ${limitText}.`, {
      durationMs: probe.durationMs,
      maxDurationMs: limits.maxDurationMs,
    });
  }
  // An MP4 whose index promises more frames than the file holds was cut off (interrupted upload).
  if (video.packetCount === 0 || (video.headerFrameCount !== null && video.packetCount < video.headerFrameCount * 0.95)) {
    throw invalidMedia('corrupt_media', 'This video file seems damaged or incomplete (maybe the upload was interrupted). Please try uploading it again.', {
      packetCount: video.packetCount,
      headerFrameCount: video.headerFrameCount,
    });
  }

  const sar = video.sampleAspectRatio > 0 ? video.sampleAspectRatio : 1;
  const shownWidth = sar === 1 ? width : even(width * sar);
  const sideways = video.rotation === 90 || video.rotation === 270;
  const audioBitRate = audio?.bitRate ?? (audio ? 128_000 : 0);
  const videoBitRate = video.bitRate ?? (probe.bitRate !== null ? Math.max(0, probe.bitRate - audioBitRate) || null : null);
  return {
    demuxer,
    durationMs: probe.durationMs,
    displayWidth: sideways ? height : shownWidth,
    displayHeight: sideways ? shownWidth : height,
    codedWidth: width,
    codedHeight: height,
    rotation: video.rotation,
    videoCodec: video.codec,
    pixelFormat: video.pixelFormat,
    frameRate: video.avgFrameRate ?? video.realFrameRate,
    vfr: video.vfr,
    videoBitRate,
    audio: audio ? { codec: audio.codec, channels: audio.channels } : null,
  };
}
