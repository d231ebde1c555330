// What every way of uploading shares: the daily quota, the early container check, and turning a stored
// original into a video row plus a queued processing job (or, on failure, into nothing at all).
import { Transform, type TransformCallback } from 'node:stream';
import type { Config } from '@onward/config';
import { AppError, type VideoMetadata } from '@onward/domain';
import { looksLikeAcceptedContainer } from '@onward/media';
import { objectKeys } from '@onward/storage';
import type { AppDeps } from '../deps.ts';

export async function assertUploadQuota(deps: Pick<AppDeps, 'videos'>, config: Config, ownerId: string) {
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const uploads = await deps.videos.countUploadsSince(ownerId, since);
  if (uploads >= config.limits.uploadsPerDay) {
    throw new AppError(
      429,
      'upload_quota_exceeded',
      `You can upload ${config.limits.uploadsPerDay} clips a day. Please try again tomorrow.`,
      { retryAfterSeconds: 3600 },
    );
  }
}

export function assertDeclaredSize(config: Config, declaredBytes: number | undefined) {
  if (declaredBytes !== undefined && declaredBytes > config.limits.uploadMaxBytes) {
    throw fileTooLarge(config);
  }
}

export function fileTooLarge(config: Config) {
  const mib = Math.floor(config.limits.uploadMaxBytes / (1024 * 1024));
  return new AppError(413, 'file_too_large', `Clips can be at most ${mib} MiB.`);
}

export const emptyFile = () => new AppError(400, 'empty_file', 'The file is empty.');

/**
 * Passes bytes through, but fails the stream as soon as the first bytes show the file is not an MP4/MOV or
 * Matroska/WebM container, so a PDF renamed .mp4 is refused before it is stored. The worker's ffprobe
 * remains the real check.
 */
export function containerSniffer(highWaterMark?: number): Transform {
  let head = Buffer.alloc(0);
  let decided = false;
  return new Transform({
    ...(highWaterMark ? { highWaterMark } : {}),
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!decided) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 12) return done();
        decided = true;
        if (!looksLikeAcceptedContainer(head)) return done(unsupportedContainer());
        this.push(head);
        return done();
      }
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (decided || head.length === 0) return done();
      if (!looksLikeAcceptedContainer(head)) return done(unsupportedContainer());
      this.push(head);
      done();
    },
  });
}

export const unsupportedContainer = () =>
  new AppError(415, 'unsupported_container', 'That file is not a video we can take. Please upload an MP4, MOV or WebM clip.');

/**
 * The original is stored: record the video and queue its processing. If either step fails, remove what was
 * written so a failed upload leaves nothing behind.
 */
export async function registerUploadedVideo(
  deps: Pick<AppDeps, 'videos' | 'storage' | 'mediaQueue'>,
  input: { videoId: string; ownerId: string; metadata: VideoMetadata },
) {
  const { videoId, ownerId, metadata } = input;
  let inserted = false;
  try {
    const row = await deps.videos.insertVideo({
      id: videoId,
      owner_id: ownerId,
      title: metadata.title,
      description: metadata.description,
      category: metadata.category,
      milestone_days: metadata.milestoneDays,
      blur_faces: metadata.blurFaces,
      disguise_voice: metadata.disguiseVoice,
      content_warnings: metadata.contentWarnings,
    });
    inserted = true;
    await deps.mediaQueue.enqueueProcessVideo({ videoId });
    return row;
  } catch (error) {
    if (inserted) await deps.videos.deleteVideo(videoId).catch(() => {});
    await deps.storage.deleteObject(objectKeys.original(videoId)).catch(() => {});
    throw error;
  }
}
