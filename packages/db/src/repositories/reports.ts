// Queries about members' reports of published videos and their resolution (each resolution audited in the
// same transaction).
import { assertTransition, type VideoStatus } from '@onward/domain';
import { sql } from 'kysely';
import type { Db } from '../connection.ts';
import type { ReportReason, ReviewDecision } from '../schema.ts';
import { insertDecision } from './review.ts';

/** Keyset position in the open-report list: priority (0 = crisis), created_at (exact text) and id. */
export interface ReportPosition {
  priority: number;
  createdAt: string;
  id: string;
}

export type ResolveOutcome =
  | { ok: true; videoId: string; fromStatus: VideoStatus; toStatus: VideoStatus; resolvedReports: number; decision: ReviewDecision }
  | { ok: false; refusal: 'not_found' | 'report_closed' | 'illegal_transition'; status?: VideoStatus };

/** Crisis reports (someone may be at risk) come before everything else. */
const priority = sql<number>`case when r.reason = 'crisis' then 0 else 1 end`;

export function createReportRepository(db: Db) {
  return {
    /** Files a report; returns undefined when the reporter already has an open report on this video. */
    async insertReport(input: { videoId: string; reporterId: string; reason: ReportReason; details: string | null }) {
      try {
        return await db
          .insertInto('reports')
          .values({ video_id: input.videoId, reporter_id: input.reporterId, reason: input.reason, details: input.details })
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (error) {
        // reports_one_open_per_reporter: one open report per reporter per video
        if ((error as { code?: string }).code === '23505') return undefined;
        throw error;
      }
    },

    async findReport(reportId: string) {
      return db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirst();
    },

    /** How many reports are open, and how many of them are crisis reports (the console's badges). */
    async countOpenReports(): Promise<{ open: number; crisis: number }> {
      const row = await db
        .selectFrom('reports')
        .select([sql<string>`count(*)`.as('open'), sql<string>`count(*) filter (where reason = 'crisis')`.as('crisis')])
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      return { open: Number(row.open), crisis: Number(row.crisis) };
    },

    /** Open reports, crisis first, then oldest first, with their video and its number of open reports. */
    async listOpenReports(options: { limit: number; after?: ReportPosition }) {
      let query = db
        .selectFrom('reports as r')
        .innerJoin('videos as v', 'v.id', 'r.video_id')
        .innerJoin('users as o', 'o.id', 'v.owner_id')
        .select([
          'r.id',
          'r.reason',
          'r.details',
          'r.created_at',
          'v.id as video_id',
          'v.title as video_title',
          'v.category as video_category',
          'v.status as video_status',
          'o.handle as owner_handle',
        ])
        .select([
          priority.as('priority'),
          sql<string>`to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position_time'),
          sql<string>`(select count(*) from reports x where x.video_id = r.video_id and x.status = 'open')`.as('open_reports'),
        ])
        .where('r.status', '=', 'open');
      if (options.after) {
        const { priority: p, createdAt, id } = options.after;
        query = query.where(sql<boolean>`(${priority}, r.created_at, r.id) > (${p}::int, ${createdAt}::timestamptz, ${id}::uuid)`);
      }
      return query.orderBy(priority).orderBy('r.created_at', 'asc').orderBy('r.id', 'asc').limit(options.limit).execute();
    },

    /**
     * Removes the reported video (guarded published -> removed, reason kept for the owner), resolves every open
     * report of it and writes the 'remove' audit row, all in one transaction.
     */
    async resolveByRemoval(input: { reportId: string; actorId: string; reason: string }): Promise<ResolveOutcome> {
      assertTransition('published', 'removed');
      return db.transaction().execute(async (trx): Promise<ResolveOutcome> => {
        const report = await trx.selectFrom('reports').selectAll().where('id', '=', input.reportId).forUpdate().executeTakeFirst();
        if (!report) return { ok: false, refusal: 'not_found' };
        if (report.status !== 'open') return { ok: false, refusal: 'report_closed' };
        const updated = await trx
          .updateTable('videos')
          .set({ status: 'removed', review_reason: input.reason, featured: false, claimed_by: null, claim_expires_at: null })
          .where('id', '=', report.video_id)
          .where('status', '=', 'published')
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) {
          const video = await trx.selectFrom('videos').select('status').where('id', '=', report.video_id).executeTakeFirst();
          return { ok: false, refusal: 'illegal_transition', ...(video ? { status: video.status } : {}) };
        }
        const resolved = await trx
          .updateTable('reports')
          .set({ status: 'resolved', resolution: 'removed', resolved_by: input.actorId, resolved_at: sql<Date>`now()` })
          .where('video_id', '=', report.video_id)
          .where('status', '=', 'open')
          .executeTakeFirst();
        const decision = await insertDecision(trx, {
          videoId: report.video_id,
          actorId: input.actorId,
          decision: 'remove',
          reason: input.reason,
          fromStatus: 'published',
          toStatus: 'removed',
          details: { reportId: report.id, reportReason: report.reason },
        });
        return {
          ok: true,
          videoId: report.video_id,
          fromStatus: 'published',
          toStatus: 'removed',
          resolvedReports: Number(resolved.numUpdatedRows),
          decision,
        };
      });
    },

    /** Dismisses one open report and writes a 'dismiss_report' audit row (the video's status is unchanged). */
    async dismissReport(input: { reportId: string; actorId: string; reason: string }): Promise<ResolveOutcome> {
      return db.transaction().execute(async (trx): Promise<ResolveOutcome> => {
        const report = await trx.selectFrom('reports').selectAll().where('id', '=', input.reportId).forUpdate().executeTakeFirst();
        if (!report) return { ok: false, refusal: 'not_found' };
        if (report.status !== 'open') return { ok: false, refusal: 'report_closed' };
        const video = await trx.selectFrom('videos').select('status').where('id', '=', report.video_id).forShare().executeTakeFirstOrThrow();
        await trx
          .updateTable('reports')
          .set({ status: 'dismissed', resolution: 'dismissed', resolved_by: input.actorId, resolved_at: sql<Date>`now()` })
          .where('id', '=', report.id)
          .execute();
        const decision = await insertDecision(trx, {
          videoId: report.video_id,
          actorId: input.actorId,
          decision: 'dismiss_report',
          reason: input.reason,
          fromStatus: video.status,
          toStatus: video.status,
          details: { reportId: report.id, reportReason: report.reason },
        });
        return { ok: true, videoId: report.video_id, fromStatus: video.status, toStatus: video.status, resolvedReports: 1, decision };
      });
    },
  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
