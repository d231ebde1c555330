import { describe, expect, it } from 'vitest';
import { planLadder } from './ladder-plan.ts';
import { buildMasterPlaylist } from './master-playlist.ts';
import { parseMediaPlaylist } from './variant-bandwidth.ts';
import { validatedSource } from './validated-source-fixture.ts';

describe('buildMasterPlaylist', () => {
  it('lists one variant per rung, best first, with BANDWIDTH, RESOLUTION, FRAME-RATE and CODECS', () => {
    const plan = planLadder(validatedSource());
    expect(buildMasterPlaylist(plan)).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=5105000,RESOLUTION=1080x1920,FRAME-RATE=30.000,CODECS="avc1.640028,mp4a.40.2"',
        'v1080/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2616000,RESOLUTION=720x1280,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
        'v720/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=1326000,RESOLUTION=480x854,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
        'v480/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=856000,RESOLUTION=360x640,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2"',
        'v360/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('uses measured peak and average bandwidth when given, and video-only CODECS without audio', () => {
    const plan = planLadder(validatedSource({ audio: null, displayWidth: 360, displayHeight: 640 }));
    const text = buildMasterPlaylist(plan, new Map([['v360', { peak: 700_123.4, average: 500_000 }]]));
    expect(text).toContain('#EXT-X-STREAM-INF:BANDWIDTH=700123,AVERAGE-BANDWIDTH=500000,RESOLUTION=360x640,FRAME-RATE=30.000,CODECS="avc1.64001e"');
    expect(text).not.toContain('TYPE=AUDIO');
  });
});

describe('parseMediaPlaylist', () => {
  it('reads segment URIs and durations', () => {
    const text = '#EXTM3U\n#EXT-X-MAP:URI="init_v360.mp4"\n#EXTINF:2.000000,\nseg_00000.m4s\n#EXTINF:1.5,\nseg_00001.m4s\n#EXT-X-ENDLIST\n';
    expect(parseMediaPlaylist(text)).toEqual([
      { uri: 'seg_00000.m4s', durationSeconds: 2 },
      { uri: 'seg_00001.m4s', durationSeconds: 1.5 },
    ]);
  });
});
