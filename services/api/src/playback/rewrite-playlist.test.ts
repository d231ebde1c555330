import { describe, expect, it } from 'vitest';
import { PlaylistRewriteError, playlistReferences, relativeUri, resolvePlaylistUri, rewritePlaylist } from './rewrite-playlist.ts';

const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs/en/index.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=720x1280,CODECS="avc1.64001f,mp4a.40.2",SUBTITLES="subs"',
  'v720/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=360x640,CODECS="avc1.64001e,mp4a.40.2",SUBTITLES="subs"',
  'v360/index.m3u8',
  '',
].join('\n');

const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-PLAYLIST-TYPE:VOD',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXTINF:2.000000,',
  'seg_00000.m4s',
  '#EXTINF:1.500000,',
  'seg_00001.m4s',
  '#EXT-X-ENDLIST',
  '',
].join('\n');

describe('resolvePlaylistUri', () => {
  it('resolves relative to the playlist folder', () => {
    expect(resolvePlaylistUri('hls/master.m3u8', 'v720/index.m3u8')).toBe('hls/v720/index.m3u8');
    expect(resolvePlaylistUri('hls/v720/index.m3u8', 'seg_00000.m4s')).toBe('hls/v720/seg_00000.m4s');
    expect(resolvePlaylistUri('hls/v720/index.m3u8', './init.mp4')).toBe('hls/v720/init.mp4');
    expect(resolvePlaylistUri('hls/v720/index.m3u8', '../v360/index.m3u8')).toBe('hls/v360/index.m3u8');
  });

  it.each([
    'https://evil.example/x.m4s',
    'file:///etc/passwd',
    '//evil.example/x',
    '/private/originals/x',
    '../../../x',
    'seg.m4s?x=1',
    'seg.m4s#t',
    'a%2f..%2fb',
    'a\\b',
    'a b',
    '',
  ])('refuses %j', (uri) => {
    expect(() => resolvePlaylistUri('hls/v720/index.m3u8', uri)).toThrow(PlaylistRewriteError);
  });
});

describe('relativeUri', () => {
  it('writes a path relative to the referring playlist', () => {
    expect(relativeUri('hls/master.m3u8', 'hls/v720/index.m3u8')).toBe('v720/index.m3u8');
    expect(relativeUri('hls/master.m3u8', 'hls/subs/en/index.m3u8')).toBe('subs/en/index.m3u8');
    expect(relativeUri('hls/v720/index.m3u8', 'hls/v360/index.m3u8')).toBe('../v360/index.m3u8');
    expect(relativeUri('hls/v720/index.m3u8', 'hls/v720/other.m3u8')).toBe('other.m3u8');
  });
});

describe('playlistReferences / rewritePlaylist', () => {
  it('finds variant and subtitle playlists in a master playlist', () => {
    expect(playlistReferences(MASTER, 'hls/master.m3u8')).toEqual([
      { uri: 'subs/en/index.m3u8', path: 'hls/subs/en/index.m3u8', kind: 'playlist' },
      { uri: 'v720/index.m3u8', path: 'hls/v720/index.m3u8', kind: 'playlist' },
      { uri: 'v360/index.m3u8', path: 'hls/v360/index.m3u8', kind: 'playlist' },
    ]);
  });

  it('finds the init segment and the media segments of a media playlist', () => {
    expect(playlistReferences(MEDIA, 'hls/v720/index.m3u8').map((r) => [r.path, r.kind])).toEqual([
      ['hls/v720/init.mp4', 'media'],
      ['hls/v720/seg_00000.m4s', 'media'],
      ['hls/v720/seg_00001.m4s', 'media'],
    ]);
  });

  it('replaces every URI and keeps every tag', () => {
    const out = rewritePlaylist(MEDIA, 'hls/v720/index.m3u8', (r) => `https://s3.example/${r.path}?X-Amz-Signature=abc&X-Amz-Expires=300`);
    expect(out).toContain('#EXT-X-MAP:URI="https://s3.example/hls/v720/init.mp4?X-Amz-Signature=abc&X-Amz-Expires=300"');
    expect(out).toContain('\nhttps://s3.example/hls/v720/seg_00001.m4s?X-Amz-Signature=abc&X-Amz-Expires=300\n');
    expect(out.split('\n').filter((l) => l.startsWith('#'))).toEqual(MEDIA.split('\n').filter((l) => l.startsWith('#')).map((l) =>
      l.startsWith('#EXT-X-MAP') ? '#EXT-X-MAP:URI="https://s3.example/hls/v720/init.mp4?X-Amz-Signature=abc&X-Amz-Expires=300"' : l,
    ));
    const master = rewritePlaylist(MASTER, 'hls/master.m3u8', (r) => `t/${r.path}`);
    expect(master).toContain('URI="t/hls/subs/en/index.m3u8"');
    expect(master).toContain('SUBTITLES="subs"\nt/hls/v720/index.m3u8\n');
  });

  it('handles CRLF playlists', () => {
    const out = rewritePlaylist(MEDIA.replaceAll('\n', '\r\n'), 'hls/v720/index.m3u8', () => 'X');
    expect(out.split('\n').filter((l) => l === 'X')).toHaveLength(2);
  });

  it('refuses text that is not a playlist, hostile URIs and unsafe replacements', () => {
    expect(() => rewritePlaylist('<html>', 'hls/master.m3u8', () => 'x')).toThrow(PlaylistRewriteError);
    expect(() => playlistReferences('#EXTM3U\nhttp://169.254.169.254/latest\n', 'hls/master.m3u8')).toThrow(PlaylistRewriteError);
    expect(() => playlistReferences('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="https://evil/k"\n', 'hls/v/index.m3u8')).toThrow(PlaylistRewriteError);
    expect(() => rewritePlaylist(MEDIA, 'hls/v720/index.m3u8', () => 'a"b')).toThrow(PlaylistRewriteError);
  });
});
