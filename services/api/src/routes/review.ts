// The review console (reviewers and admins): the queue, claims, decisions, unpublishing, the audit trail and
// the daily affirmation pick.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import {
  AffirmationPickBody,
  AffirmationPickDayParams,
  AffirmationPickResponse,
  ClaimResponse,
  errorResponses,
  ReviewAuditResponse,
  ReviewDecisionBody,
  ReviewDecisionResponse,
  ReviewPageQuery,
  type ReviewQueueItem,
  ReviewQueueResponse,
  ReviewReasonBody,
  type ReviewVideo,
  ReviewVideoResponse,
  VideoIdParams,
} from '@onward/contract';
import { createReportRepository, createReviewRepository } from '@onward/db';
import { conflict, hasRole, notFound } from '@onward/domain';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { requireRole, userOf } from '../plugins/auth.ts';
import { assertPickableDay } from '../review/affirmation-day.ts';
import { decodeCursor, encodeCursor } from '../review/cursors.ts';
import { decide, type ReviewContext, unpublish, videoToReview } from '../review/decisions.ts';
import { toAuditEntry, toClaim } from '../review/review-views.ts';

/** A claim lasts this long; the same reviewer renews it by claiming again. */
export const CLAIM_SECONDS = 15 * 60;

export const reviewRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const review = createReviewRepository(deps.db);
  const reports = createReportRepository(deps.db);
  const context = (request: FastifyRequest): ReviewContext => ({ deps, config, review, reports, log: request.log });
  // onRequest: refused before the body is even read or validated
  app.addHook('onRequest', requireRole('reviewer'));

  app.get(
    '/review/queue',
    {
      schema: {
        tags: ['review'],
        summary: 'Videos waiting for review, oldest first (keyset pagination)',
        querystring: ReviewPageQuery,
        response: { 200: ReviewQueueResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const after = decodeCursor(request.query.cursor);
      const rows = await review.listReviewQueue({ limit: limit + 1, ...(after ? { after: { createdAt: after.t, id: after.id } } : {}) });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        videos: page.map((row) => ({
          id: row.id,
          title: row.title,
          ownerHandle: row.owner_handle,
          ownerVerifiedProfessional: row.owner_verified_professional,
          category: row.category,
          blurFaces: row.blur_faces,
          disguiseVoice: row.disguise_voice,
          contentWarnings: row.content_warnings as ReviewQueueItem['contentWarnings'],
          durationMs: row.duration_ms,
          createdAt: row.created_at.toISOString(),
          claim: toClaim({ claimer_id: row.claimer_id, claimer_handle: row.claimer_handle, claim_expires_at: row.claim_until }),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor({ t: last.position_time, id: last.id }) : null,
      };
    },
  );

  app.post(
    '/review/videos/:id/claim',
    {
      schema: {
        tags: ['review'],
        summary: 'Claim a video in review for 15 minutes (claiming again renews it)',
        params: VideoIdParams,
        response: { 200: ClaimResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const me = userOf(request);
      const video = await videoToReview(context(request), request.params.id, me);
      const until = await review.claimForReview(video.id, me.id, CLAIM_SECONDS);
      if (!until) {
        const current = await deps.videos.findVideo(video.id);
        if (!current) throw notFound('That video');
        if (current.status !== 'in_review') throw conflict('not_in_review', 'This video is not waiting for review.');
        throw conflict('already_claimed', 'Another reviewer has claimed this video.');
      }
      return { claim: { reviewerId: me.id, reviewerHandle: me.handle, until: until.toISOString() } };
    },
  );

  app.delete(
    '/review/videos/:id/claim',
    {
      schema: {
        tags: ['review'],
        summary: 'Release my claim (admins may release anyone’s)',
        params: VideoIdParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      const released = await review.releaseClaim(request.params.id, me.id, hasRole(me.role, 'admin'));
      if (!released) {
        const current = await review.findVideoForReview(request.params.id);
        if (!current) throw notFound('That video');
        if (current.claimer_id && current.claimer_id !== me.id) {
          throw conflict('claimed_by_other', 'Another reviewer holds this claim.');
        }
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/review/videos/:id',
    {
      schema: {
        tags: ['review'],
        summary: 'A video with its owner, claim and decision history',
        params: VideoIdParams,
        response: { 200: ReviewVideoResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await review.findVideoForReview(request.params.id);
      if (!row) throw notFound('That video');
      const decisions = await review.listDecisions(row.id);
      return {
        video: {
          id: row.id,
          status: row.status,
          title: row.title,
          description: row.description,
          category: row.category,
          milestoneDays: row.milestone_days,
          blurFaces: row.blur_faces,
          disguiseVoice: row.disguise_voice,
          contentWarnings: row.content_warnings as ReviewVideo['contentWarnings'],
          featured: row.featured,
          durationMs: row.duration_ms,
          width: row.width,
          height: row.height,
          ownerId: row.owner_id,
          ownerHandle: row.owner_handle,
          ownerVerifiedProfessional: row.owner_verified_professional,
          reviewReason: row.review_reason,
          claim: toClaim(row),
          createdAt: row.created_at.toISOString(),
          publishedAt: row.published_at ? row.published_at.toISOString() : null,
          decisions: decisions.map(toAuditEntry),
        },
      };
    },
  );

  app.post(
    '/review/videos/:id/decision',
    {
      schema: {
        tags: ['review'],
        summary: 'Approve (publish), request changes or reject a video in review',
        params: VideoIdParams,
        body: ReviewDecisionBody,
        response: { 200: ReviewDecisionResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const result = await decide(context(request), userOf(request), request.params.id, request.body);
      return { video: { id: request.params.id, status: result.status }, decision: toAuditEntry({ ...result.decision, actor_handle: userOf(request).handle }) };
    },
  );

  app.post(
    '/review/videos/:id/unpublish',
    {
      schema: {
        tags: ['review'],
        summary: 'Take a published video back into review (its public copy is removed at once)',
        params: VideoIdParams,
        body: ReviewReasonBody,
        response: { 200: ReviewDecisionResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const result = await unpublish(context(request), userOf(request), request.params.id, request.body.reason);
      return { video: { id: request.params.id, status: result.status }, decision: toAuditEntry({ ...result.decision, actor_handle: userOf(request).handle }) };
    },
  );

  app.get(
    '/review/videos/:id/audit',
    {
      schema: {
        tags: ['review'],
        summary: 'Every decision about a video, oldest first (kept even after the video is deleted)',
        params: VideoIdParams,
        response: { 200: ReviewAuditResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const decisions = await review.listDecisions(request.params.id);
      if (decisions.length === 0 && !(await deps.videos.findVideo(request.params.id))) throw notFound('That video');
      return { decisions: decisions.map(toAuditEntry) };
    },
  );

  app.put(
    '/review/affirmations/:day',
    {
      schema: {
        tags: ['review'],
        summary: 'Pick the daily affirmation of a day (today up to 60 days ahead, UTC)',
        params: AffirmationPickDayParams,
        body: AffirmationPickBody,
        response: { 200: AffirmationPickResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const day = assertPickableDay(request.params.day);
      const video = await deps.videos.findVideo(request.body.videoId);
      if (!video) throw notFound('That video');
      if (video.status !== 'published' || video.category !== 'affirmation') {
        throw conflict('not_a_published_affirmation', 'Pick a published video of the affirmation category.');
      }
      const row = await review.setDailyAffirmation(day, video.id, userOf(request).id);
      return { affirmation: { day: row.day, videoId: row.video_id } };
    },
  );
};
