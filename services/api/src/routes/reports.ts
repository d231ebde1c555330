// Members report published videos; reviewers work through open reports (crisis first) and resolve them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import {
  errorResponses,
  OpenReportsResponse,
  ReportBody,
  ReportCreatedResponse,
  ReportIdParams,
  ResolveReportBody,
  ResolveReportResponse,
  ReviewPageQuery,
  VideoIdParams,
} from '@onward/contract';
import { createReportRepository, createReviewRepository } from '@onward/db';
import { AppError, conflict, notFound } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { requireRole, requireUser, userOf } from '../plugins/auth.ts';
import { countInWindow, secondsLeft } from '../plugins/fixed-window.ts';
import { decodeCursor, encodeCursor } from '../review/cursors.ts';
import { resolveReport } from '../review/report-resolution.ts';
import { toAuditEntry } from '../review/review-views.ts';

export const reportRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const review = createReviewRepository(deps.db);
  const reports = createReportRepository(deps.db);

  app.post(
    '/videos/:id/reports',
    {
      onRequest: requireUser,
      schema: {
        tags: ['reports'],
        summary: 'Report a published video to the reviewers',
        params: VideoIdParams,
        body: ReportBody,
        response: { 201: ReportCreatedResponse, ...errorResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const me = userOf(request);
      const video = await deps.videos.findVideo(request.params.id);
      // Anything not published answers exactly like a missing video: ids reveal nothing.
      if (video?.status !== 'published') throw notFound('That video');
      // Mass reporting is limited per member; a crisis concern about someone is always heard.
      if (request.body.reason !== 'crisis') {
        const key = `reports:member:${me.id}`;
        if ((await countInWindow(deps.redis, key, 3600)) > config.limits.reportsPerHour) {
          throw new AppError(429, 'too_many_reports', 'You have filed many reports this hour. Please try again later.', {
            retryAfterSeconds: await secondsLeft(deps.redis, key),
          });
        }
      }
      const details = request.body.details?.trim() || null;
      const report = await reports.insertReport({ videoId: video.id, reporterId: me.id, reason: request.body.reason, details });
      if (!report) throw conflict('already_reported', 'You have already reported this video; reviewers will look at it.');
      request.log.info({ reportId: report.id, videoId: video.id, reason: report.reason }, 'video reported');
      return reply.status(201).send({
        report: { id: report.id, videoId: video.id, reason: report.reason, status: 'open' as const, createdAt: report.created_at.toISOString() },
      });
    },
  );

  app.get(
    '/review/reports',
    {
      onRequest: requireRole('reviewer'),
      schema: {
        tags: ['review'],
        summary: 'Open reports: crisis reports first, then oldest first (keyset pagination)',
        querystring: ReviewPageQuery,
        response: { 200: OpenReportsResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const after = decodeCursor(request.query.cursor);
      const [rows, counts] = await Promise.all([
        reports.listOpenReports({
          limit: limit + 1,
          ...(after ? { after: { priority: after.p ?? 0, createdAt: after.t, id: after.id } } : {}),
        }),
        reports.countOpenReports(),
      ]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        reports: page.map((row) => ({
          id: row.id,
          reason: row.reason,
          details: row.details,
          createdAt: row.created_at.toISOString(),
          video: {
            id: row.video_id,
            title: row.video_title,
            category: row.video_category,
            status: row.video_status,
            ownerHandle: row.owner_handle,
            openReports: Number(row.open_reports),
          },
        })),
        counts,
        nextCursor: rows.length > limit && last ? encodeCursor({ p: Number(last.priority), t: last.position_time, id: last.id }) : null,
      };
    },
  );

  app.post(
    '/review/reports/:id/resolve',
    {
      onRequest: requireRole('reviewer'),
      schema: {
        tags: ['review'],
        summary: 'Remove the reported video (resolving all its open reports) or dismiss this report',
        params: ReportIdParams,
        body: ResolveReportBody,
        response: { 200: ResolveReportResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const ctx = { deps, config, review, reports, log: request.log };
      const outcome = await resolveReport(ctx, userOf(request), request.params.id, request.body);
      return {
        video: { id: outcome.videoId, status: outcome.toStatus },
        resolvedReports: outcome.resolvedReports,
        decision: toAuditEntry({ ...outcome.decision, actor_handle: userOf(request).handle }),
      };
    },
  );
};
