import { AppError } from '@onward/domain';
import { describe, expect, it } from 'vitest';
import { captionsRenditionFiles, parseWebVtt, serialiseWebVtt, withoutSubtitles, withSubtitles } from './webvtt.ts';

const GOOD = `\uFEFFWEBVTT - my milestone

NOTE written by me

STYLE
::cue { color: red; background: url(http://evil.example/x) }

intro
00:00.000 --> 00:02.500 align:center line:90%
<v Sam>Ninety days <i>today</i>.</v>

00:00:02.500 --> 00:00:04.000
It gets better &amp; easier. <00:03.000><b>Really</b>.
`;

const codeOf = (text: string | Buffer) => {
  try {
    parseWebVtt(text);
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'unexpected';
  }
};

describe('parseWebVtt', () => {
  it('keeps cues with WebVTT markup and drops notes, styles and header text', () => {
    const cues = parseWebVtt(GOOD);
    expect(cues).toHaveLength(2);
    expect(cues[0]).toEqual({ startMs: 0, endMs: 2500, settings: 'align:center line:90%', text: '<v Sam>Ninety days <i>today</i>.</v>' });
    const out = serialiseWebVtt(cues);
    expect(out).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.500 align:center line:90%\n<v Sam>Ninety days <i>today</i>.</v>\n\n' +
        '00:00:02.500 --> 00:00:04.000\nIt gets better &amp; easier. <00:03.000><b>Really</b>.\n',
    );
    expect(out).not.toMatch(/STYLE|url\(|NOTE/);
    expect(parseWebVtt(out)).toEqual(cues.map((c) => ({ ...c })));
  });

  it.each([
    ['no header', '00:00.000 --> 00:01.000\nhi\n', 'invalid_captions'],
    ['no cues', 'WEBVTT\n\nNOTE nothing\n', 'invalid_captions'],
    ['a malformed time', 'WEBVTT\n\n00:00 --> 00:01.000\nhi\n', 'invalid_captions'],
    ['an end before the start', 'WEBVTT\n\n00:02.000 --> 00:01.000\nhi\n', 'invalid_captions'],
    ['cues out of order', 'WEBVTT\n\n00:02.000 --> 00:03.000\na\n\n00:01.000 --> 00:04.000\nb\n', 'invalid_captions'],
    ['HTML markup', 'WEBVTT\n\n00:00.000 --> 00:01.000\n<script>alert(1)</script>\n', 'invalid_captions'],
    ['an image tag', 'WEBVTT\n\n00:00.000 --> 00:01.000\n<img src=x onerror=alert(1)>\n', 'invalid_captions'],
    ['attributes on an allowed tag', 'WEBVTT\n\n00:00.000 --> 00:01.000\n<b onclick="x()">hi</b>\n', 'invalid_captions'],
    ['a stray <', 'WEBVTT\n\n00:00.000 --> 00:01.000\n1 < 2\n', 'invalid_captions'],
    ['an HTML entity', 'WEBVTT\n\n00:00.000 --> 00:01.000\n&eacute;\n', 'invalid_captions'],
    ['an unknown cue setting', 'WEBVTT\n\n00:00.000 --> 00:01.000 onload:x\nhi\n', 'invalid_captions'],
    ['a STYLE after cues', 'WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n\nSTYLE\n::cue {}\n', 'invalid_captions'],
    ['binary data', Buffer.from([0x57, 0x45, 0x42, 0x56, 0x54, 0x54, 0x0a, 0xff, 0xfe, 0x00]), 'invalid_captions'],
    ['an oversized file', `WEBVTT\n\n${'00:00.000 --> 00:01.000\nhi\n\n'.repeat(12_000)}`, 'captions_too_large'],
  ])('refuses %s', (_what, text, code) => {
    expect(codeOf(text)).toBe(code);
  });
});

describe('captions rendition', () => {
  const master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=360x640,CODECS="avc1.64001e"\nv360/index.m3u8\n';

  it('adds a SUBTITLES group every variant refers to, idempotently, and removes it again', () => {
    const once = withSubtitles(master);
    expect(once).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en"');
    expect(once).toContain('CODECS="avc1.64001e",SUBTITLES="subs"\nv360/index.m3u8');
    expect(withSubtitles(once)).toBe(once);
    expect(withoutSubtitles(once).trimEnd()).toBe(master.trimEnd());
  });

  it('writes a one-segment subtitle playlist covering the whole clip', () => {
    const files = captionsRenditionFiles(parseWebVtt(GOOD), 5000, master);
    expect(Object.keys(files).sort()).toEqual(['master.m3u8', 'subs/en/captions.vtt', 'subs/en/index.m3u8']);
    expect(files['subs/en/index.m3u8']?.text).toContain('#EXTINF:5.000,\ncaptions.vtt\n#EXT-X-ENDLIST');
    expect(files['subs/en/captions.vtt']?.contentType).toBe('text/vtt');
  });
});
