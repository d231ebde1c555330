// Rewriting HLS playlists for private playback: pure. Every URI a playlist names (variant and rendition
// playlists, EXT-X-MAP init segments, media segments, captions) is resolved against the playlist's own path
// and handed to a replacement function, which returns what the player should fetch instead: a presigned
// storage URL for media, a path under the same playback token for playlists.

export type ReferenceKind = 'playlist' | 'media';

export interface PlaylistReference {
  /** The URI as written in the playlist. */
  uri: string;
  /** The file it names, relative to the video's media root (e.g. "hls/v720/seg_00001.m4s"). */
  path: string;
  kind: ReferenceKind;
}

export class PlaylistRewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaylistRewriteError';
  }
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const URI_ATTRIBUTE = /\bURI="([^"]*)"/g;

/**
 * Resolves a relative URI from a playlist at `playlistPath` (both relative to the media root). Absolute
 * URLs, absolute paths, queries, fragments, percent-escapes and climbing above the root are refused: our own
 * playlists never contain them, so a playlist that does is not ours.
 */
export function resolvePlaylistUri(playlistPath: string, uri: string): string {
  if (uri === '' || SCHEME.test(uri) || uri.startsWith('/') || /[?#%\\\s]/.test(uri)) {
    throw new PlaylistRewriteError(`A playlist names an unsupported URI "${uri.slice(0, 80)}".`);
  }
  const segments = playlistPath.split('/').slice(0, -1);
  for (const segment of uri.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw new PlaylistRewriteError('A playlist names a file outside the media folder.');
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) throw new PlaylistRewriteError('A playlist names an empty URI.');
  return segments.join('/');
}

/** `to` written relative to the folder of `from` (both relative to the same root), as a playlist URI. */
export function relativeUri(from: string, to: string): string {
  const fromDir = from.split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < fromDir.length && common < target.length - 1 && fromDir[common] === target[common]) common++;
  return [...Array<string>(fromDir.length - common).fill('..'), ...target.slice(common)].join('/');
}

function kindOf(path: string): ReferenceKind {
  return path.endsWith('.m3u8') ? 'playlist' : 'media';
}

function reference(playlistPath: string, uri: string): PlaylistReference {
  const path = resolvePlaylistUri(playlistPath, uri);
  return { uri, path, kind: kindOf(path) };
}

function eachLine(text: string, onTagUri: (uri: string) => string, onUriLine: (uri: string) => string): string {
  if (!text.startsWith('#EXTM3U')) throw new PlaylistRewriteError('This is not an HLS playlist.');
  return text
    .split('\n')
    .map((raw) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (trimmed.startsWith('#')) {
        return trimmed.startsWith('#EXT') ? line.replace(URI_ATTRIBUTE, (_whole, uri: string) => `URI="${onTagUri(uri)}"`) : line;
      }
      return onUriLine(trimmed);
    })
    .join('\n');
}

/** Every file a playlist refers to, in order of appearance (duplicates kept). */
export function playlistReferences(text: string, playlistPath: string): PlaylistReference[] {
  const found: PlaylistReference[] = [];
  const collect = (uri: string) => {
    found.push(reference(playlistPath, uri));
    return uri;
  };
  eachLine(text, collect, collect);
  return found;
}

/**
 * The playlist with every URI replaced by `replace(reference)`. The replacement must not contain a double
 * quote or a line break (it is checked), since it ends up inside a quoted attribute or on its own line.
 */
export function rewritePlaylist(text: string, playlistPath: string, replace: (ref: PlaylistReference) => string): string {
  const swap = (uri: string) => {
    const replacement = replace(reference(playlistPath, uri));
    if (/["\r\n]/.test(replacement)) throw new PlaylistRewriteError('A rewritten URI may not contain quotes or line breaks.');
    return replacement;
  };
  return eachLine(text, swap, swap);
}
