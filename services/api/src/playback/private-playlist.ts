// Serves one playlist of an unpublished video: read from private storage, every media URI replaced by a
// presigned storage URL and every playlist URI kept under the same playback token (relative to this one).
import { AppError, notFound } from '@onward/domain';
import { type ObjectStore, objectKeys } from '@onward/storage';
import { type PlaylistReference, relativeUri, playlistReferences, rewritePlaylist } from './rewrite-playlist.ts';

/** Our playlists are a few KiB (a 180 s clip has 90 segments); anything far larger is not ours. */
const MAX_PLAYLIST_BYTES = 1024 * 1024;
/** Everything playback may name lives under the ladder folder. */
export const LADDER_ROOT = 'hls/';

function brokenPlaylist(): AppError {
  return new AppError(500, 'playlist_invalid', 'This video cannot be played right now.');
}

async function readText(storage: ObjectStore, key: string): Promise<string> {
  const bytes = await storage.getBytes(key, { maxBytes: MAX_PLAYLIST_BYTES }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'object_not_found') throw notFound('That playlist');
    if (code === 'object_too_large') throw brokenPlaylist();
    throw error;
  });
  return bytes.toString('utf8');
}

/**
 * @param playlist the playlist's path below the ladder folder, as requested (e.g. "master.m3u8",
 *   "v720/index.m3u8"); validated here, so ".." or odd characters are refused (400) before storage is asked.
 */
export async function renderPrivatePlaylist(
  storage: ObjectStore,
  videoId: string,
  playlist: string,
  presignTtlSeconds: number,
): Promise<string> {
  if (!playlist.endsWith('.m3u8')) throw notFound('That playlist');
  const path = `${LADDER_ROOT}${playlist}`;
  const key = objectKeys.privateMedia(videoId, path);
  const text = await readText(storage, key);

  let references: PlaylistReference[];
  try {
    references = playlistReferences(text, path);
  } catch {
    throw brokenPlaylist();
  }
  if (references.some((r) => !r.path.startsWith(LADDER_ROOT))) throw brokenPlaylist();
  const mediaPaths = [...new Set(references.filter((r) => r.kind === 'media').map((r) => r.path))];
  const signed = new Map(
    await Promise.all(
      mediaPaths.map(
        async (p) => [p, await storage.presignGet(objectKeys.privateMedia(videoId, p), { ttlSeconds: presignTtlSeconds })] as const,
      ),
    ),
  );
  return rewritePlaylist(text, path, (ref) =>
    ref.kind === 'playlist' ? relativeUri(path, ref.path) : (signed.get(ref.path) ?? ''),
  );
}
