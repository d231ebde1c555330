// The curated feed: keyset pages in curated order, blocks and hidden warnings applied, a finite day, and the
// daily affirmation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '@onward/config';
import { AffirmationResponse, errorResponses, type FeedItem, FeedQuery, FeedResponse } from '@onward/contract';
import { createFeedRepository, type FeedRow, type FeedViewer } from '@onward/db';
import { badRequest, CATEGORIES, type Category, crisisResourcesFor } from '@onward/domain';
import type { AppDeps } from '../deps.ts';
import { dailyLimitReached, endOfFeed } from '../feed/caught-up.ts';
import { createDailyAffirmation } from '../feed/daily-affirmation.ts';
import { loadCrisisResourceData } from '../feed/crisis-data.ts';
import { createCursorCodec } from '../feed/cursor.ts';
import { utcDay } from '../feed/daily.ts';
import { feedKeyOf, toFeedItem } from '../feed/feed-item.ts';
import { createShortCache, cutFirstPage, FEED_WINDOW, type FeedWindowKey, visibleTo } from '../feed/feed-window.ts';
import { keysetBranches } from '../feed/ordering.ts';
import { createServedCounter } from '../feed/served-counter.ts';

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
  const served = createServedCounter(deps.redis);
  const crisis = crisisResourcesFor(await loadCrisisResourceData(config.crisisResourcesFile), undefined).resources;
  // First pages are cut from a window shared by everyone (see feed/feed-window.ts); 0 turns that off.
  const windows =
    config.feedCacheMs > 0
      ? createShortCache(
          (category: FeedWindowKey) =>
            feed.findFeedPage({ category, branches: keysetBranches(null, category !== null), limit: FEED_WINDOW, viewer: null }),
          config.feedCacheMs,
        )
      : null;
  const affirmationRows = createShortCache((day: string) => affirmations.forViewer(day, null), config.feedCacheMs);

  // A viewer's blocks, hidden warnings, limit and reactions on a window, kept as long as that window is: a new
  // block or reaction shows in the first page within FEED_CACHE_MS (deeper pages read the database every time).
  const viewerStates = new WeakMap<FeedRow[], Map<string, ReturnType<typeof feed.findViewerFeedState>>>();
  function viewerStateFor(window: FeedRow[], userId: string, ids: string[]) {
    let states = viewerStates.get(window);
    if (!states) {
      states = new Map();
      viewerStates.set(window, states);
    }
    let state = states.get(userId);
    if (!state) {
      state = feed.findViewerFeedState(userId, ids);
      states.set(userId, state);
      state.catch(() => states.delete(userId));
    }
    return state;
  }

  /** The first page from the shared window, or null when only the database can answer. */
  async function firstPageFromWindow(category: Category | null, limit: number, user: { id: string } | null, day: string) {
    if (!windows) return null;
    const withAffirmation = category === null || category === 'affirmation';
    const [window, affirmation] = await Promise.all([windows.get(category), withAffirmation ? affirmationRows.get(day) : null]);
    const ids = [...window.map((row) => row.id), ...(affirmation ? [affirmation.id] : [])];
    const state = user ? await viewerStateFor(window, user.id, ids) : null;
    if (user && !state) return null;
    const filter = state ? { hiddenCreators: new Set(state.hidden_creators), hiddenWarnings: new Set(state.hidden_warnings) } : null;
    const rows = cutFirstPage(window, filter, limit + 1);
    if (!rows) return null;
    const grant = user ? await served.grant(user.id, day, Math.min(limit, rows.length), state?.daily_feed_limit ?? null) : null;
    if (grant?.limitReached) return dailyLimitReached(crisis);
    const page = rows.slice(0, grant ? grant.granted : limit);
    const more = rows.length > page.length;
    const last = page.at(-1);
    const asItem = (row: FeedRow) => windowItem(row, day, state ? (state.reactions[row.id] ?? []) : null);
    return {
      items: page.map(asItem),
      nextCursor: more && last ? cursors.encode(category ?? 'all', feedKeyOf(last)) : null,
      ...(more ? { caughtUp: false } : endOfFeed()),
      ...(withAffirmation ? { affirmation: affirmation && visibleTo(affirmation, filter) ? asItem(affirmation) : null } : {}),
    };
  }

  // Window rows are shared by every viewer for the window's life: each becomes a feed item once per day, and only
  // the viewer's own reactions are added per request.
  const windowItems = new WeakMap<FeedRow, { day: string; item: FeedItem }>();
  function windowItem(row: FeedRow, day: string, myReactions: string[] | null): FeedItem {
    let known = windowItems.get(row);
    if (!known || known.day !== day) {
      known = { day, item: toFeedItem(config, row, day, false) };
      windowItems.set(row, known);
    }
    return myReactions ? { ...known.item, myReactions: myReactions as NonNullable<FeedItem['myReactions']> } : known.item;
  }

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
      if (after === null) {
        const fromWindow = await firstPageFromWindow(category, limit, user ? { id: user.id } : null, day);
        if (fromWindow) return fromWindow;
      }

      const viewer: FeedViewer | null = user ? { id: user.id } : null;
      const withAffirmation = after === null && (category === null || category === 'affirmation');
      // Everything at once: the page reads the viewer's blocks and hidden warnings itself, so nothing waits.
      // One row more than the page tells whether anything follows, without a count.
      const [dailyLimit, rows, affirmation] = await Promise.all([
        user ? feed.findDailyFeedLimit(user.id) : null,
        feed.findFeedPage({ category, branches: keysetBranches(after, category !== null), limit: limit + 1, viewer }),
        withAffirmation ? affirmations.forViewer(day, viewer) : null,
      ]);
      const grant = user ? await served.grant(user.id, day, Math.min(limit, rows.length), dailyLimit?.daily_feed_limit ?? null) : null;
      if (grant?.limitReached) return dailyLimitReached(crisis);
      const page = rows.slice(0, grant ? grant.granted : limit);
      const more = rows.length > page.length;
      const last = page.at(-1);
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
