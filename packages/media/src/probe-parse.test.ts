import { describe, expect, it } from 'vitest';
import { looksVariableFrameRate, parseProbe, parseRotation, summarisePackets } from './probe-parse.ts';

const packetsAt = (fps: number, count: number, stream = 0) =>
  Array.from({ length: count }, (_, i) => `${stream},${(i / fps).toFixed(6)},${(1 / fps).toFixed(6)}`).join('\n');

describe('parseProbe', () => {
  const header = {
    streams: [
      {
        index: 0,
        codec_type: 'video',
        codec_name: 'hevc',
        width: 1920,
        height: 1080,
        pix_fmt: 'yuv420p10le',
        avg_frame_rate: '30000/1001',
        r_frame_rate: '30000/1001',
        bit_rate: '8000000',
        nb_frames: '3',
        side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }],
      },
      { index: 1, codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '44100', bit_rate: '128000' },
      { index: 2, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.345', bit_rate: '8200000' },
  };

  it('normalises an iPhone-like HEVC MP4', () => {
    const probe = parseProbe(header, summarisePackets('0,0.000000,0.033367\n0,0.033367,0.033367\n0,0.066733,0.033367\n1,0.0,0.023'), 1234);
    expect(probe).toMatchObject({
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      durationMs: 12_345,
      durationSource: 'header',
      sizeBytes: 1234,
      streamCount: 3,
      video: { codec: 'hevc', width: 1920, height: 1080, rotation: 90, pixelFormat: 'yuv420p10le', vfr: false, packetCount: 3, headerFrameCount: 3 },
      audio: { codec: 'aac', channels: 2, sampleRate: 44_100 },
    });
    expect(probe.video?.avgFrameRate).toEqual({ num: 30000, den: 1001 });
  });

  it('takes the duration from the packet scan when the header has none (MediaRecorder WebM)', () => {
    const webm = {
      streams: [{ index: 0, codec_type: 'video', codec_name: 'vp8', width: 640, height: 480, avg_frame_rate: '0/0', r_frame_rate: '1000/1' }],
      format: { format_name: 'matroska,webm' },
    };
    const probe = parseProbe(webm, summarisePackets(`${packetsAt(30, 90)}\n`), 1);
    expect(probe.durationSource).toBe('packets');
    expect(probe.durationMs).toBe(3000);
    expect(probe.video?.avgFrameRate?.num).toBe(30_000);
  });

  it('finds no video in an audio-only file and ignores cover art', () => {
    const probe = parseProbe({ streams: [header.streams[1], header.streams[2]], format: header.format }, summarisePackets(''), 1);
    expect(probe.video).toBeNull();
    expect(probe.audio?.codec).toBe('aac');
  });
});

describe('parseRotation', () => {
  it.each([
    [-90, 90],
    [90, 270],
    [180, 180],
    [-180, 180],
    [0, 0],
  ])('display matrix %i -> %i clockwise', (matrix, clockwise) => {
    expect(parseRotation({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: matrix }] })).toBe(clockwise);
  });

  it('falls back to the legacy rotate tag', () => {
    expect(parseRotation({ tags: { rotate: '270' } })).toBe(270);
  });
});

describe('looksVariableFrameRate', () => {
  it('constant rates are not VFR, even with millisecond rounding', () => {
    expect(looksVariableFrameRate(summarisePackets(packetsAt(30, 300)).pts.get(0) ?? [])).toBe(false);
    const ms = Array.from({ length: 300 }, (_, i) => Math.round((i * 1000) / 30) / 1000);
    expect(looksVariableFrameRate(ms)).toBe(false);
  });

  it('dropped frames and jittery phone timestamps are VFR', () => {
    const dropped = Array.from({ length: 300 }, (_, i) => i / 30).filter((_, i) => i % 30 < 10 || i % 30 >= 20);
    expect(looksVariableFrameRate(dropped)).toBe(true);
  });
});

describe('summarisePackets', () => {
  it('counts packets per stream, sorts pts (B-frames arrive out of order), ignores N/A lines', () => {
    const summary = summarisePackets('0,0.1,0.05\n0,0.0,0.05\n1,N/A,0.02\n\n1,0.5,0.1,\n');
    expect(summary.counts.get(0)).toBe(2);
    expect(summary.counts.get(1)).toBe(1);
    expect(summary.pts.get(0)).toEqual([0, 0.1]);
    expect(summary.endMs).toBe(600);
  });
});
