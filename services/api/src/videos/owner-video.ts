// The one mapping from a video row to what its owner sees.
import type { OwnerVideo } from '@onward/contract';
import type { Video } from '@onward/db';

export function toOwnerVideo(row: Video): OwnerVideo {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    title: row.title,
    description: row.description,
    category: row.category,
    milestoneDays: row.milestone_days,
    blurFaces: row.blur_faces,
    disguiseVoice: row.disguise_voice,
    contentWarnings: row.content_warnings as OwnerVideo['contentWarnings'],
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    reviewReason: row.review_reason,
    durationMs: row.duration_ms,
    width: row.width,
    height: row.height,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at ? row.published_at.toISOString() : null,
  };
}
