// The curated feed: keyset pages in curated order, blocks and hidden warnings applied, a finite day, and the
// daily affirmation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { AffirmationResponse, errorResponses, FeedQuery, FeedResponse } from '@onward/contract';
import { createFeedRepository, type FeedViewer } from '@onward/db';
import { badRequest, CATEGORIES, type Category, crisisResourcesFor } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { dailyLimitReached, endOfFeed } from '../feed/caught-up.ts';
import { createDailyAffirmation } from '../feed/daily-affirmation.ts';
import { loadCrisisResourceData } from '../feed/crisis-data.ts';
import { createCursorCodec } from '../feed/cursor.ts';
import { allowanceToday, SERVED_COUNTER_TTL_SECONDS, servedCounterKey, utcDay } from '../feed/daily.ts';
import { feedKeyOf, toFeedItem } from '../feed/feed-item.ts';
import { keysetBranches } from '../feed/ordering.ts';

const DEFAULT_PAGE = 20;

function parseCategory(value: string | undefined): Category | null {
  if (value === undefined) return null;
  if (!(CATEGORIES as readonly string[]).includes(value)) {
    throw badRequest('invalid_category', `The category must be one of ${CATEGORIES.join(', ')}.`);
  }
  return value as Category;
}

export const feedRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps; config: Config }> = async (app, { deps, config }) => {
  const feed = createFeedRepository(deps.db);
  const cursors = createCursorCodec(config.feedCursorSecret);
  const affirmations = createDailyAffirmation(feed);
  const crisis = crisisResourcesFor(await loadCrisisResourceData(config.crisisResourcesFile), undefined).resources;

  app.get(
    '/feed',
    {
      schema: {
        tags: ['feed'],
        summary: 'The curated feed (anonymous allowed; logged in: blocks, hidden warnings and the daily limit apply)',
        description:
          'Featured first, then newest feed slot, categories interleaved. No view, like or follower counts. ' +
          'Ends with caughtUp: true (end of the feed, or the daily limit). 400 invalid_cursor, invalid_category.',
        querystring: FeedQuery,
        response: { 200: FeedResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const category = parseCategory(request.query.category);
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const scope = category ?? 'all';
      const after = request.query.cursor === undefined ? null : cursors.decode(scope, request.query.cursor);
      const day = utcDay();
      const user = request.user;

      const viewer: FeedViewer | null = user ? { id: user.id } : null;
      const counterKey = user ? servedCounterKey(user.id, day) : '';
      const withAffirmation = after === null && (category === null || category === 'affirmation');
      // Everything at once: the page reads the viewer's blocks and hidden warnings itself, so nothing waits.
      // One row more than the page tells whether anything follows, without a count.
      const [dailyLimit, served, rows, affirmation] = await Promise.all([
        user ? feed.findDailyFeedLimit(user.id) : null,
        user ? deps.redis.get(counterKey) : null,
        feed.findFeedPage({ category, branches: keysetBranches(after, category !== null), limit: limit + 1, viewer }),
        withAffirmation ? affirmations.forViewer(day, viewer) : null,
      ]);
      const allowance = allowanceToday(dailyLimit?.daily_feed_limit ?? null, Number(served ?? 0), limit);
      if (allowance === 0) return dailyLimitReached(crisis);
      const page = rows.slice(0, allowance);
      const more = rows.length > allowance;
      const last = page.at(-1);
      if (user && page.length > 0) {
        // Counted for every member, so a limit set mid-day includes what was already watched today.
        await deps.redis.multi().incrby(counterKey, page.length).expire(counterKey, SERVED_COUNTER_TTL_SECONDS).exec();
      }
      return {
        items: page.map((row) => toFeedItem(config, row, day, viewer !== null)),
        nextCursor: more && last ? cursors.encode(scope, feedKeyOf(last)) : null,
        ...(more ? { caughtUp: false } : endOfFeed()),
        ...(withAffirmation ? { affirmation: affirmation ? toFeedItem(config, affirmation, day, viewer !== null) : null } : {}),
      };
    },
  );

  app.get(
    '/feed/affirmation',
    {
      schema: {
        tags: ['feed'],
        summary: "Today's affirmation: the reviewers' pick, else one chosen for the day",
        response: { 200: AffirmationResponse },
      },
    },
    async (request) => {
      const day = utcDay();
      const viewer = request.user ? { id: request.user.id } : null;
      const row = await affirmations.forViewer(day, viewer);
      return { day, affirmation: row ? toFeedItem(config, row, day, viewer !== null) : null };
    },
  );
};
