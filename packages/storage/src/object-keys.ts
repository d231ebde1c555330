// The one place that knows the bucket's key layout. Everything else asks this module for keys.
//
//   private/originals/{videoId}          the uploaded original (never served)
//   private/media/{videoId}/{file}       renditions awaiting review (signed URLs only)
//   public/media/{videoId}/{file}        published renditions (immutable, cacheable)
//   private/originals/{videoId}.info     resumable (tus) upload state, while the upload is incomplete
//   private/originals/{videoId}.part     resumable upload bytes not yet forming a full S3 part
import { AppError } from '@onward/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A conservative segment alphabet: what our own outputs use (720p/seg_00001.m4s, master.m3u8, poster.jpg).
// Anything else (spaces, %, unicode, control characters) is refused rather than escaped.
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_FILE_LENGTH = 512;

const ORIGINALS = 'private/originals/';
const PRIVATE_MEDIA = 'private/media/';
const PUBLIC_MEDIA = 'public/media/';
/** Suffixes @tus/s3-store appends to an upload's object key for its state and its incomplete last part. */
const RESUMABLE_SIDECAR_SUFFIXES = ['.info', '.part'] as const;

function invalid(message: string): AppError {
  return new AppError(400, 'invalid_object_key', message);
}

function videoSegment(videoId: string): string {
  const id = typeof videoId === 'string' ? videoId.toLowerCase() : '';
  if (!UUID.test(id)) throw invalid('A video id must be a UUID.');
  return id;
}

function relativeFile(file: string): string {
  if (typeof file !== 'string' || file.length === 0) throw invalid('A media file name must not be empty.');
  if (file.length > MAX_FILE_LENGTH) throw invalid('A media file name is too long.');
  if (file.includes('\\')) throw invalid('A media file name must not contain a backslash.');
  if (file.startsWith('/')) throw invalid('A media file name must be relative.');
  for (const segment of file.split('/')) {
    if (segment === '') throw invalid('A media file name must not contain an empty path segment.');
    if (segment === '.' || segment === '..') throw invalid('A media file name must not contain "." or "..".');
    if (!SEGMENT.test(segment)) throw invalid('A media file name may only use letters, digits, ".", "_" and "-".');
  }
  return file;
}

export const objectKeys = {
  original(videoId: string): string {
    return `${ORIGINALS}${videoSegment(videoId)}`;
  },
  privateMedia(videoId: string, file: string): string {
    return `${PRIVATE_MEDIA}${videoSegment(videoId)}/${relativeFile(file)}`;
  },
  privateMediaPrefix(videoId: string): string {
    return `${PRIVATE_MEDIA}${videoSegment(videoId)}/`;
  },
  publicMedia(videoId: string, file: string): string {
    return `${PUBLIC_MEDIA}${videoSegment(videoId)}/${relativeFile(file)}`;
  },
  publicMediaPrefix(videoId: string): string {
    return `${PUBLIC_MEDIA}${videoSegment(videoId)}/`;
  },
  /**
   * The objects a resumable (tus) upload of this video keeps beside the original while it is in progress:
   * `{original}.info` (upload state and metadata) and `{original}.part` (bytes short of a full S3 part).
   */
  resumableUploadSidecars(videoId: string): string[] {
    const original = `${ORIGINALS}${videoSegment(videoId)}`;
    return RESUMABLE_SIDECAR_SUFFIXES.map((suffix) => `${original}${suffix}`);
  },
  /** Every key or prefix a video can own; each is accepted by ObjectStore.deletePrefix. */
  allForVideo(videoId: string): string[] {
    const id = videoSegment(videoId);
    return [`${ORIGINALS}${id}`, ...objectKeys.resumableUploadSidecars(id), `${PRIVATE_MEDIA}${id}/`, `${PUBLIC_MEDIA}${id}/`];
  },
};

/**
 * True for a key that names exactly one object of the layout (an original, or a resumable upload's sidecar
 * beside it), rather than a prefix.
 */
export function isExactLayoutKey(key: string): boolean {
  if (!key.startsWith(ORIGINALS)) return false;
  const rest = key.slice(ORIGINALS.length);
  const suffix = RESUMABLE_SIDECAR_SUFFIXES.find((s) => rest.endsWith(s)) ?? '';
  return UUID.test(rest.slice(0, rest.length - suffix.length));
}

/**
 * True for a prefix that is a parent of the per-video layout ('private/', 'public/media/', ...): deleting
 * it would remove every video at once.
 */
export function isLayoutRoot(prefix: string): boolean {
  return [ORIGINALS, PRIVATE_MEDIA, PUBLIC_MEDIA].some((root) => root.startsWith(prefix));
}

/** Minimal well-formedness of any key handed to the store (layout-specific checks are in objectKeys). */
export function assertObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw invalid('An object key must not be empty.');
  if (Buffer.byteLength(key) > 1024) throw invalid('An object key must not exceed 1024 bytes.');
  if (key.startsWith('/')) throw invalid('An object key must not start with "/".');
  if (key.includes('\\')) throw invalid('An object key must not contain a backslash.');
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw invalid('An object key must not contain "." or ".." segments.');
  }
}

/** Keys under this prefix are published media: world-readable (bucket policy / CDN), everything else is private. */
export const PUBLIC_READ_PREFIX = PUBLIC_MEDIA;
