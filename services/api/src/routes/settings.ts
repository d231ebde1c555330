// A member's private wellbeing settings and their own milestones. The sobriety date never leaves this route.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, MilestonesResponse, UpdateWellbeingSettingsBody, WellbeingSettingsResponse } from '@onward/contract';
import { createSettingsRepository, type WellbeingSettingsChanges } from '@onward/db';
import { badRequest, type ContentWarning, daysSober, milestoneLabel, nextMilestone, notFound } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { utcDay } from '../feed/daily.ts';
import { requireUser, userOf } from '../plugins/auth.ts';

/** The latest calendar date anywhere on Earth (UTC+14), so nobody's "today" counts as the future. */
const latestToday = () => utcDay(new Date(Date.now() + 14 * 3_600_000));

function checkSobrietyDate(date: string): void {
  if (date > latestToday()) throw badRequest('invalid_sobriety_date', 'Your sobriety date cannot be in the future.');
  if (date < '1900-01-01') throw badRequest('invalid_sobriety_date', 'That sobriety date is too far in the past.');
}

export const settingsRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const settings = createSettingsRepository(deps.db);

  const present = (row: NonNullable<Awaited<ReturnType<typeof settings.findSettings>>>) => ({
    settings: {
      sobrietyDate: row.sobriety_date,
      shareSobrietyDate: row.share_sobriety_date,
      dailyFeedLimit: row.daily_feed_limit,
      hiddenWarnings: row.hidden_warnings as ContentWarning[],
    },
  });

  app.get(
    '/me/settings',
    {
      preHandler: requireUser,
      schema: { tags: ['wellbeing'], summary: 'My private wellbeing settings', response: { 200: WellbeingSettingsResponse, ...errorResponses(401) } },
    },
    async (request) => {
      const row = await settings.findSettings(userOf(request).id);
      if (!row) throw notFound('Your account');
      return present(row);
    },
  );

  app.patch(
    '/me/settings',
    {
      preHandler: requireUser,
      schema: {
        tags: ['wellbeing'],
        summary: 'Change my sobriety date, whether to share days sober, daily feed limit, warnings to hide',
        description: 'sobrietyDate: YYYY-MM-DD, not in the future (400 invalid_sobriety_date). dailyFeedLimit: null or 3-500.',
        body: UpdateWellbeingSettingsBody,
        response: { 200: WellbeingSettingsResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.sobrietyDate) checkSobrietyDate(body.sobrietyDate);
      const changes: WellbeingSettingsChanges = {
        ...(body.sobrietyDate !== undefined ? { sobriety_date: body.sobrietyDate } : {}),
        ...(body.shareSobrietyDate !== undefined ? { share_sobriety_date: body.shareSobrietyDate } : {}),
        ...(body.dailyFeedLimit !== undefined ? { daily_feed_limit: body.dailyFeedLimit } : {}),
        ...(body.hiddenWarnings !== undefined ? { hidden_warnings: body.hiddenWarnings } : {}),
      };
      const row = await settings.updateSettings(userOf(request).id, changes);
      if (!row) throw notFound('Your account');
      return present(row);
    },
  );

  app.get(
    '/me/milestones',
    {
      preHandler: requireUser,
      schema: {
        tags: ['wellbeing'],
        summary: 'My days sober, the next milestone, and my milestone videos',
        response: { 200: MilestonesResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      const me = userOf(request);
      const [row, videos] = await Promise.all([settings.findSettings(me.id), settings.listMilestoneVideos(me.id)]);
      const date = row?.sobriety_date ?? null;
      const days = date === null ? null : daysSober(date, utcDay());
      const next = days === null ? null : nextMilestone(days);
      return {
        sobrietyDate: date,
        daysSober: days,
        nextMilestone: next && days !== null ? { ...next, inDays: next.days - days } : null,
        videos: videos.map((v) => ({
          id: v.id,
          title: v.title,
          status: v.status,
          milestone: { days: v.milestone_days ?? 0, label: milestoneLabel(v.milestone_days ?? 0) },
          createdAt: v.created_at.toISOString(),
          publishedAt: v.published_at ? v.published_at.toISOString() : null,
        })),
      };
    },
  );
};
