// Test fixture (unit tests only): a ValidatedSource with sensible defaults, overridable per case.
import type { MediaProbe } from './media-probe.ts';
import type { ValidatedSource } from './validate-source.ts';

export function validatedSource(overrides: Partial<ValidatedSource> = {}): ValidatedSource {
  return {
    demuxer: 'mov',
    durationMs: 30_000,
    displayWidth: 1080,
    displayHeight: 1920,
    codedWidth: 1080,
    codedHeight: 1920,
    rotation: 0,
    videoCodec: 'h264',
    pixelFormat: 'yuv420p',
    frameRate: { num: 30, den: 1 },
    vfr: false,
    videoBitRate: null,
    audio: { codec: 'aac', channels: 2 },
    ...overrides,
  };
}

export function mediaProbe(overrides: Partial<MediaProbe> = {}, video: Partial<NonNullable<MediaProbe['video']>> = {}): MediaProbe {
  return {
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    formatNames: ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2'],
    durationMs: 30_000,
    durationSource: 'header',
    sizeBytes: 10_000_000,
    bitRate: 2_800_000,
    video: {
      index: 0,
      codec: 'h264',
      profile: 'High',
      width: 1080,
      height: 1920,
      rotation: 0,
      sampleAspectRatio: 1,
      avgFrameRate: { num: 30, den: 1 },
      realFrameRate: { num: 30, den: 1 },
      vfr: false,
      pixelFormat: 'yuv420p',
      bitRate: 2_600_000,
      headerFrameCount: 900,
      packetCount: 900,
      ...video,
    },
    audio: { index: 1, codec: 'aac', channels: 2, sampleRate: 48_000, bitRate: 128_000 },
    streamCount: 2,
    ...overrides,
  };
}
