// Reviewer decisions with their media side effects, ordered so that nothing is lost when one fails half-way:
//  - approve: copy the renditions to public/ FIRST (a failure changes nothing in the database), then the
//    transaction (guarded status change + audit row); if that fails, the public copy is removed again unless
//    a concurrent approval published the video meanwhile.
//  - unpublish / removal: take the public copy down FIRST (at once), then the transaction; if that fails and the
//    video is still published, the public copy is restored.
import type { Config } from '@onward/config';
import type { DecisionOutcome, ReportRepository, ReviewRepository } from '@onward/db';
import { AppError, assertTransition, type Category, conflict, notFound, type VideoStatus } from '@onward/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.ts';
import type { SessionUser } from '../plugins/auth.ts';
import { copyMediaToPublic, removePublicMedia, scheduleOriginalDeletion } from '../videos/publication.ts';
import { optionalReason, requireReason } from './reasons.ts';

export interface ReviewContext {
  deps: AppDeps;
  config: Config;
  review: ReviewRepository;
  reports: ReportRepository;
  log: FastifyBaseLogger;
}

const TARGET = { approve: 'published', request_changes: 'changes_requested', reject: 'rejected' } as const;

export const ownVideo = () => new AppError(403, 'own_video', 'You cannot review your own video; another reviewer will.');
const claimedByOther = () => conflict('claimed_by_other', 'Another reviewer has claimed this video.');

function illegal(from: VideoStatus, to: VideoStatus): AppError {
  try {
    assertTransition(from, to);
  } catch (error) {
    return error as AppError;
  }
  return new AppError(409, 'illegal_transition', `This video is no longer ${from.replace('_', ' ')}.`, { from, to });
}

/** The video a reviewer acts on: it exists, and it is not their own. */
export async function videoToReview(ctx: ReviewContext, videoId: string, actor: SessionUser) {
  const video = await ctx.deps.videos.findVideo(videoId);
  if (!video) throw notFound('That video');
  if (video.owner_id === actor.id) throw ownVideo();
  return video;
}

function refusalError(outcome: Extract<DecisionOutcome, { ok: false }>, to: VideoStatus): AppError {
  switch (outcome.refusal) {
    case 'not_found':
      return notFound('That video');
    case 'claimed_by_other':
      return claimedByOther();
    default:
      return illegal(outcome.status ?? 'in_review', to);
  }
}

/** After a failed approval: remove the public copy unless the video is (by a concurrent approval) published. */
async function withdrawCopy(ctx: ReviewContext, videoId: string) {
  const current = await ctx.deps.videos.findVideo(videoId).catch(() => undefined);
  if (current?.status === 'published') return;
  await removePublicMedia(ctx.deps.storage, videoId).catch((error) =>
    ctx.log.error({ err: error, videoId }, 'could not remove the public copy after a failed approval'),
  );
}

/** After a failed take-down: put the public copy back if the video is still published. */
async function restoreCopy(ctx: ReviewContext, videoId: string) {
  const current = await ctx.deps.videos.findVideo(videoId).catch(() => undefined);
  if (current?.status !== 'published') return;
  await copyMediaToPublic(ctx.deps.storage, videoId).catch((error) =>
    ctx.log.error({ err: error, videoId }, 'could not restore the public copy after a failed take-down'),
  );
}

/** Removes the public copy first, then runs the transaction; restores the copy when the transaction fails. */
export async function takeDownThen<T extends { ok: boolean }>(ctx: ReviewContext, videoId: string, commit: () => Promise<T>): Promise<T> {
  try {
    await removePublicMedia(ctx.deps.storage, videoId);
  } catch (error) {
    await restoreCopy(ctx, videoId);
    throw new AppError(503, 'storage_unavailable', 'Taking the video down failed because storage is unavailable. Please try again.', {
      cause: String(error),
    });
  }
  let outcome: T;
  try {
    outcome = await commit();
  } catch (error) {
    await restoreCopy(ctx, videoId);
    throw error;
  }
  if (!outcome.ok) await restoreCopy(ctx, videoId);
  return outcome;
}

/** Deleting the original is housekeeping: the decision stands even if scheduling it fails (it is logged). */
export async function scheduleOriginalDeletionSafely(ctx: ReviewContext, videoId: string) {
  await scheduleOriginalDeletion(ctx.deps, ctx.config, videoId).catch((error) =>
    ctx.log.error({ err: error, videoId }, 'could not schedule the deletion of the original'),
  );
}

export interface DecisionRequest {
  decision: 'approve' | 'request_changes' | 'reject';
  reason?: string | undefined;
  category?: Category | undefined;
  contentWarnings?: string[] | undefined;
  featured?: boolean | undefined;
}

export async function decide(ctx: ReviewContext, actor: SessionUser, videoId: string, body: DecisionRequest) {
  const to = TARGET[body.decision];
  const reason = body.decision === 'approve' ? optionalReason(body.reason) : requireReason(body.reason);
  if (body.decision !== 'approve' && (body.category !== undefined || body.contentWarnings !== undefined || body.featured !== undefined)) {
    throw new AppError(400, 'approve_only_fields', 'Category, warnings and featured are set when approving.');
  }
  const video = await videoToReview(ctx, videoId, actor);
  if (video.status !== 'in_review') throw illegal(video.status, to);
  const claimLive = video.claimed_by !== null && video.claim_expires_at !== null && video.claim_expires_at.getTime() > Date.now();
  if (claimLive && video.claimed_by !== actor.id) throw claimedByOther();

  if (body.decision === 'approve') await copyMediaToPublic(ctx.deps.storage, videoId);
  let outcome: DecisionOutcome;
  try {
    outcome = await ctx.review.decideVideo({
      videoId,
      actorId: actor.id,
      decision: body.decision,
      reason,
      ...(body.category !== undefined ? { category: body.category } : {}),
      ...(body.contentWarnings !== undefined ? { contentWarnings: body.contentWarnings } : {}),
      ...(body.featured !== undefined ? { featured: body.featured } : {}),
    });
  } catch (error) {
    if (body.decision === 'approve') await withdrawCopy(ctx, videoId);
    throw error;
  }
  if (!outcome.ok) {
    if (body.decision === 'approve') await withdrawCopy(ctx, videoId);
    throw refusalError(outcome, to);
  }
  if (body.decision !== 'request_changes') await scheduleOriginalDeletionSafely(ctx, videoId);
  ctx.log.info({ videoId, decision: body.decision }, 'review decision');
  return { status: outcome.toStatus, decision: outcome.decision };
}

export async function unpublish(ctx: ReviewContext, actor: SessionUser, videoId: string, rawReason: string) {
  const reason = requireReason(rawReason);
  const video = await videoToReview(ctx, videoId, actor);
  if (video.status !== 'published') throw illegal(video.status, 'in_review');
  const outcome = await takeDownThen(ctx, videoId, () => ctx.review.unpublishVideo({ videoId, actorId: actor.id, reason }));
  if (!outcome.ok) throw refusalError(outcome, 'in_review');
  ctx.log.info({ videoId }, 'video unpublished');
  return { status: outcome.toStatus, decision: outcome.decision };
}
