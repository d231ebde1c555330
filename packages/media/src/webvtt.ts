// WebVTT captions from users: validated strictly and re-serialised, so only cues with WebVTT's own inline
// markup survive (no STYLE/CSS, no HTML, no unknown entities), then published as an HLS subtitles rendition.
import { AppError } from '@onward/domain';

export const CAPTIONS_MAX_BYTES = 256 * 1024;
const MAX_CUES = 5000;
const MAX_CUE_TEXT = 1000;

const TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
const SETTING = /^(vertical:(rl|lr)|line:-?\d+(\.\d+)?%?(,(start|center|end))?|position:\d+(\.\d+)?%(,(line-left|center|line-right))?|size:\d+(\.\d+)?%|align:(start|center|end|left|right))$/;
const TAG = /<(\/?)([^>\s.]*)([^>]*)>/g;
const ALLOWED_TAGS = new Set(['c', 'i', 'b', 'u', 'ruby', 'rt', 'v', 'lang']);
const ENTITY = /&([^;\s]*);/g;
const ALLOWED_ENTITIES = new Set(['amp', 'lt', 'gt', 'lrm', 'rlm', 'nbsp']);

export interface Cue {
  startMs: number;
  endMs: number;
  settings: string;
  text: string;
}

function invalid(message: string): AppError {
  return new AppError(400, 'invalid_captions', `The captions file is not valid WebVTT: ${message}`);
}

function parseTimestamp(value: string, line: number): number {
  const m = TIMESTAMP.exec(value);
  if (!m) throw invalid(`line ${line} has a malformed time "${value.slice(0, 20)}".`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

function formatTimestamp(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

function checkCueText(text: string, line: number): void {
  if (text.length > MAX_CUE_TEXT) throw invalid(`the cue at line ${line} is too long.`);
  for (const [, , name = '', rest = ''] of text.matchAll(TAG)) {
    if (TIMESTAMP.test(`${name}${rest}`)) continue; // an inline timestamp such as <00:01.500>
    if (!ALLOWED_TAGS.has(name)) throw invalid(`line ${line} uses markup <${name.slice(0, 20)}> that captions cannot contain.`);
    if (/[<"'`=(){}&]/.test(rest)) throw invalid(`line ${line} has markup attributes captions cannot contain.`);
  }
  if (text.replace(TAG, '').includes('<')) throw invalid(`line ${line} has a "<" that should be written "&lt;".`);
  for (const [, entity = ''] of text.matchAll(ENTITY)) {
    if (!ALLOWED_ENTITIES.has(entity) && !/^#(\d{1,7}|x[0-9a-f]{1,6})$/i.test(entity)) {
      throw invalid(`line ${line} uses an unknown character reference "&${entity.slice(0, 12)};".`);
    }
  }
}

/** Parses and validates; returns the cues in order. */
export function parseWebVtt(input: string | Buffer): Cue[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > CAPTIONS_MAX_BYTES) {
    throw new AppError(413, 'captions_too_large', `Captions can be at most ${CAPTIONS_MAX_BYTES / 1024} KiB.`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD') || text.includes('\0')) throw invalid('it is not UTF-8 text.');
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (!/^WEBVTT([ \t].*)?$/.test(lines[0] ?? '')) throw invalid('it must start with "WEBVTT".');

  const cues: Cue[] = [];
  let i = 1;
  // header lines until the first blank line
  while (i < lines.length && lines[i] !== '') i++;
  while (i < lines.length) {
    while (i < lines.length && lines[i] === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i] !== '') block.push(lines[i++] ?? '');
    const first = block[0] ?? '';
    if (/^(NOTE|STYLE|REGION)([ \t]|$)/.test(first)) {
      if (cues.length > 0 && !first.startsWith('NOTE')) throw invalid(`line ${blockStart + 1}: ${first.split(/\s/)[0]} must come before the cues.`);
      continue; // comments, styles and regions are dropped from what we publish
    }
    const timingIndex = first.includes('-->') ? 0 : 1;
    const timing = TIMING.exec(block[timingIndex] ?? '');
    if (!timing) throw invalid(`line ${blockStart + timingIndex + 1} should be a cue timing like "00:01.000 --> 00:04.000".`);
    const line = blockStart + timingIndex + 1;
    const startMs = parseTimestamp(timing[1] ?? '', line);
    const endMs = parseTimestamp(timing[2] ?? '', line);
    if (endMs <= startMs) throw invalid(`line ${line}: a cue must end after it starts.`);
    const previous = cues.at(-1);
    if (previous && startMs < previous.startMs) throw invalid(`line ${line}: cues must be in time order.`);
    const settings = (timing[3] ?? '').trim().split(/[ \t]+/).filter(Boolean);
    for (const setting of settings) {
      if (!SETTING.test(setting)) throw invalid(`line ${line} has an unknown cue setting "${setting.slice(0, 20)}".`);
    }
    const cueText = block.slice(timingIndex + 1).join('\n');
    if (cueText.includes('-->')) throw invalid(`line ${line}: a cue's text cannot contain "-->".`);
    checkCueText(cueText, line);
    cues.push({ startMs, endMs, settings: settings.join(' '), text: cueText });
    if (cues.length > MAX_CUES) throw invalid('it has too many cues.');
  }
  if (cues.length === 0) throw invalid('it has no cues.');
  return cues;
}

/** The validated cues written back as a minimal WebVTT file (no header text, notes, styles or regions). */
export function serialiseWebVtt(cues: readonly Cue[]): string {
  const body = cues
    .map((c) => `${formatTimestamp(c.startMs)} --> ${formatTimestamp(c.endMs)}${c.settings ? ` ${c.settings}` : ''}\n${c.text}`)
    .join('\n\n');
  return `WEBVTT\n\n${body}\n`;
}

/** Where the owner's validated captions wait, under the video's private media, until they are published. */
export const CAPTIONS_SOURCE = 'captions/source.vtt';
export const CAPTIONS_GROUP = 'subs';
export const CAPTIONS_PLAYLIST = 'subs/en/index.m3u8';

/**
 * The files that publish captions as an HLS subtitles rendition beside an existing ladder: the WebVTT file, its
 * one-segment playlist, and the master playlist with a SUBTITLES group (paths relative to the master).
 */
export interface RenditionFile {
  text: string;
  contentType: string;
}

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

export function captionsRenditionFiles(
  cues: readonly Cue[],
  durationMs: number,
  masterPlaylist: string,
): Record<string, RenditionFile> {
  const seconds = Math.max(durationMs, cues.at(-1)?.endMs ?? 0) / 1000;
  const playlist = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(seconds)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${seconds.toFixed(3)},`,
    'captions.vtt',
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
  return {
    'subs/en/captions.vtt': { text: serialiseWebVtt(cues), contentType: 'text/vtt' },
    'subs/en/index.m3u8': { text: playlist, contentType: PLAYLIST_TYPE },
    'master.m3u8': { text: withSubtitles(masterPlaylist), contentType: PLAYLIST_TYPE },
  };
}

/** Adds (or replaces) the captions group in a master playlist; every variant refers to it. */
export function withSubtitles(master: string): string {
  const lines = withoutSubtitles(master).trimEnd().split('\n');
  const media = `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${CAPTIONS_GROUP}",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="${CAPTIONS_PLAYLIST}"`;
  const firstVariant = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  const out = lines.map((l) => (l.startsWith('#EXT-X-STREAM-INF:') ? `${l},SUBTITLES="${CAPTIONS_GROUP}"` : l));
  out.splice(firstVariant === -1 ? out.length : firstVariant, 0, media);
  return `${out.join('\n')}\n`;
}

export function withoutSubtitles(master: string): string {
  return master
    .split('\n')
    .filter((l) => !(l.startsWith('#EXT-X-MEDIA:') && l.includes('TYPE=SUBTITLES')))
    .map((l) => (l.startsWith('#EXT-X-STREAM-INF:') ? l.replace(/,SUBTITLES="[^"]*"/, '') : l))
    .join('\n');
}
