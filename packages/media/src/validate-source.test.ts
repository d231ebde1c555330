import { AppError } from '@onward/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_LIMITS } from './media-limits.ts';
import { validateSource } from './validate-source.ts';
import { mediaProbe } from './validated-source-fixture.ts';

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validateSource', () => {
  it('accepts a portrait MP4 and names the demuxer to force', () => {
    expect(validateSource(mediaProbe())).toMatchObject({
      demuxer: 'mov',
      displayWidth: 1080,
      displayHeight: 1920,
      durationMs: 30_000,
      videoBitRate: 2_600_000,
      audio: { codec: 'aac', channels: 2 },
    });
  });

  it('swaps display size for a 90/270 rotation, not for 180', () => {
    const sideways = validateSource(mediaProbe({}, { width: 1920, height: 1080, rotation: 90 }));
    expect(sideways).toMatchObject({ displayWidth: 1080, displayHeight: 1920, codedWidth: 1920, codedHeight: 1080 });
    expect(validateSource(mediaProbe({}, { width: 1920, height: 1080, rotation: 180 }))).toMatchObject({ displayWidth: 1920 });
  });

  it('applies a non-square sample aspect ratio to the display width', () => {
    expect(validateSource(mediaProbe({}, { width: 720, height: 576, sampleAspectRatio: 16 / 15 }))).toMatchObject({
      displayWidth: 768,
      displayHeight: 576,
    });
  });

  it('accepts Matroska/WebM and forces the matroska demuxer', () => {
    const webm = mediaProbe({ formatName: 'matroska,webm', formatNames: ['matroska', 'webm'], durationSource: 'packets' }, { codec: 'vp9', headerFrameCount: null });
    expect(validateSource(webm).demuxer).toBe('matroska');
  });

  it.each(['hls', 'concat', 'mpegts', 'avi', 'image2', 'mov,mp4'])('refuses the %s demuxer whatever the file was called', (format) => {
    const error = refusal(() => validateSource(mediaProbe({ formatName: format })));
    expect(error).toMatchObject({ status: 422, code: 'unsupported_container' });
  });

  it('refuses audio-only files', () => {
    expect(refusal(() => validateSource(mediaProbe({ video: null })))).toMatchObject({ status: 422, code: 'no_video_stream' });
  });

  it('refuses unknown video and audio codecs', () => {
    expect(refusal(() => validateSource(mediaProbe({}, { codec: 'prores' })))).toMatchObject({ code: 'unsupported_codec' });
    const weirdAudio = mediaProbe({ audio: { index: 1, codec: 'dts', channels: 6, sampleRate: 48_000, bitRate: null } });
    expect(refusal(() => validateSource(weirdAudio))).toMatchObject({ code: 'unsupported_codec' });
  });

  it('refuses videos over the duration limit passed in, with a readable message', () => {
    const error = refusal(() => validateSource(mediaProbe({ durationMs: 180_001 })));
    expect(error).toMatchObject({ code: 'duration_too_long', message: 'This video is too long. Videos can be up to 3 minutes.' });
    expect(() => validateSource(mediaProbe({ durationMs: 180_001 }), { ...DEFAULT_MEDIA_LIMITS, maxDurationMs: 600_000 })).not.toThrow();
    expect(validateSource(mediaProbe({ durationMs: 180_000 })).durationMs).toBe(180_000);
  });

  it('refuses pictures larger than the side or pixel limits (decompression bombs)', () => {
    expect(refusal(() => validateSource(mediaProbe({}, { width: 8000, height: 8000 })))).toMatchObject({ code: 'resolution_too_large' });
    expect(refusal(() => validateSource(mediaProbe({}, { width: 4096, height: 4096 })))).toMatchObject({ code: 'resolution_too_large' });
    expect(validateSource(mediaProbe({}, { width: 2160, height: 3840 })).displayHeight).toBe(3840);
  });

  it('refuses a file with no duration, no frames, or fewer frames than its index promises', () => {
    expect(refusal(() => validateSource(mediaProbe({ durationMs: null })))).toMatchObject({ code: 'corrupt_media' });
    expect(refusal(() => validateSource(mediaProbe({}, { packetCount: 0 })))).toMatchObject({ code: 'corrupt_media' });
    expect(refusal(() => validateSource(mediaProbe({}, { packetCount: 450, headerFrameCount: 900 })))).toMatchObject({ code: 'corrupt_media' });
    expect(refusal(() => validateSource(mediaProbe({}, { width: 0 })))).toMatchObject({ code: 'corrupt_media' });
  });

  it('estimates the video bitrate from the file bitrate when the stream has none', () => {
    expect(validateSource(mediaProbe({ bitRate: 3_000_000 }, { bitRate: null })).videoBitRate).toBe(2_872_000);
    expect(validateSource(mediaProbe({ bitRate: null }, { bitRate: null })).videoBitRate).toBeNull();
  });
});
