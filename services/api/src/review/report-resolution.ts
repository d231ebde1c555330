// Resolving a report: remove the video (public copy taken down at once, every open report of it resolved,
// original deletion scheduled) or dismiss the one report. Both are audited in the same transaction.
import type { ResolveOutcome } from '@onward/db';
import { AppError, conflict, notFound } from '@onward/domain';
import type { SessionUser } from '../plugins/auth.ts';
import { type ReviewContext, scheduleOriginalDeletionSafely, takeDownThen, videoToReview } from './decisions.ts';
import { requireReason } from './reasons.ts';

const reportClosed = () => conflict('report_closed', 'This report has already been resolved or dismissed.');

function refusal(outcome: Extract<ResolveOutcome, { ok: false }>): AppError {
  if (outcome.refusal === 'not_found') return notFound('That report');
  if (outcome.refusal === 'report_closed') return reportClosed();
  return new AppError(409, 'illegal_transition', 'Only a published video can be removed.', { from: outcome.status, to: 'removed' });
}

export async function resolveReport(
  ctx: ReviewContext,
  actor: SessionUser,
  reportId: string,
  body: { action: 'remove' | 'dismiss'; reason: string },
) {
  const reason = requireReason(body.reason);
  const report = await ctx.reports.findReport(reportId);
  if (!report) throw notFound('That report');
  if (report.status !== 'open') throw reportClosed();
  const video = await videoToReview(ctx, report.video_id, actor);

  let outcome: ResolveOutcome;
  if (body.action === 'dismiss') {
    outcome = await ctx.reports.dismissReport({ reportId, actorId: actor.id, reason });
  } else {
    if (video.status !== 'published') {
      throw new AppError(409, 'illegal_transition', 'Only a published video can be removed.', { from: video.status, to: 'removed' });
    }
    outcome = await takeDownThen(ctx, video.id, () => ctx.reports.resolveByRemoval({ reportId, actorId: actor.id, reason }));
  }
  if (!outcome.ok) throw refusal(outcome);
  if (body.action === 'remove') await scheduleOriginalDeletionSafely(ctx, video.id);
  ctx.log.info({ reportId, videoId: video.id, action: body.action }, 'report resolved');
  return outcome;
}
