// The normalised result of probing an upload: what the rest of the pipeline is allowed to know about it.

export interface Rational {
  num: number;
  den: number;
}

export interface ProbedVideoStream {
  index: number;
  codec: string;
  profile: string | null;
  /** Coded (stored) size, before rotation. */
  width: number;
  height: number;
  /** Clockwise degrees the picture is turned for display (as ffmpeg's autorotate applies it): 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
  /** Sample aspect ratio (1 for square pixels). */
  sampleAspectRatio: number;
  avgFrameRate: Rational | null;
  realFrameRate: Rational | null;
  /** Timestamps are not evenly spaced (phone clips, MediaRecorder WebM). */
  vfr: boolean;
  pixelFormat: string | null;
  bitRate: number | null;
  /** Frame count the container header claims (MP4 only), to spot truncated files. */
  headerFrameCount: number | null;
  /** Packets actually found by scanning the file. */
  packetCount: number;
}

export interface ProbedAudioStream {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number | null;
  bitRate: number | null;
}

export interface MediaProbe {
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm". */
  formatName: string;
  formatNames: string[];
  /** Null only when neither the header nor a packet scan gives a duration. */
  durationMs: number | null;
  durationSource: 'header' | 'packets' | null;
  sizeBytes: number;
  bitRate: number | null;
  video: ProbedVideoStream | null;
  audio: ProbedAudioStream | null;
  streamCount: number;
}
