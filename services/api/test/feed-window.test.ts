// The first page cut from the shared window (FEED_CACHE_MS > 0) is exactly what the database answers for the same
// viewer: same items in the same order, same cursor, same affirmation, same reactions, same end-of-feed and limit.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@onward/config';
import type { Category, ContentWarning } from '@onward/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { type AppDeps, createDeps } from '../src/deps.ts';
import { FEED_WINDOW } from '../src/feed/feed-window.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi; // FEED_CACHE_MS=0 in tests: always the database
let windowed: App; // the same database and Redis, answering first pages from the window
let windowedDeps: AppDeps;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};

async function publish(owner: string, category: Category, slot: number, warnings: ContentWarning[] = [], featured = false) {
  const id = randomUUID();
  await api.deps.videos.insertVideo({ id, owner_id: userIds[owner] as string, title: `${category} ${slot}`, category, content_warnings: warnings });
  await api.deps.videos.transitionStatus(id, 'processing', 'in_review');
  await api.deps.videos.transitionStatus(id, 'in_review', 'published', { published_at: new Date() });
  await api.deps.db.updateTable('videos').set({ feed_slot: String(slot), featured }).where('id', '=', id).execute();
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  for (const handle of ['wina', 'winb', 'winc', 'viewer_w', 'limited_w']) {
    cookies[handle] = await signUp(api.app, handle);
    userIds[handle] = (await api.deps.users.findUserByHandle(handle))!.id;
  }
  const categories: Category[] = ['motivation', 'education', 'milestone', 'affirmation'];
  let n = 0;
  for (let slot = 1; slot <= 40; slot++) {
    for (const category of categories) {
      const owner = ['wina', 'winb', 'winc'][n++ % 3] as string;
      await publish(owner, category, slot, n % 5 === 0 ? ['grief'] : [], n % 37 === 0);
    }
  }
  // viewer_w blocked wina, winc blocked viewer_w, and viewer_w hides grief: most of the window is filtered away
  await api.deps.db.insertInto('blocks').values([
    { blocker_id: userIds.viewer_w as string, blocked_id: userIds.wina as string },
    { blocker_id: userIds.winc as string, blocked_id: userIds.viewer_w as string },
  ]).execute();
  await api.deps.db.updateTable('users').set({ hidden_warnings: ['grief'] }).where('id', '=', userIds.viewer_w as string).execute();
  await api.deps.db.updateTable('users').set({ daily_feed_limit: 5 }).where('id', '=', userIds.limited_w as string).execute();
  const someVideo = await api.deps.db.selectFrom('videos').select('id').where('owner_id', '=', userIds.winb as string).executeTakeFirstOrThrow();
  await api.deps.db.insertInto('reactions').values({ video_id: someVideo.id, user_id: userIds.viewer_w as string, kind: 'proud_of_you' }).execute();

  const config = loadConfig({ ...api.env.env, FEED_CACHE_MS: '60000' });
  windowedDeps = createDeps(config);
  windowed = await buildApp(config, { deps: windowedDeps });
}, 120_000);

afterAll(async () => {
  await windowed?.close();
  await windowedDeps?.close();
  await api?.close();
});

const get = (app: App, url: string, who?: string) =>
  app.inject({ method: 'GET', url, headers: who ? { cookie: cookies[who] as string } : {} });

it.each([
  ['anonymous, whole feed', '/feed', undefined],
  ['anonymous, one category', '/feed?category=education', undefined],
  ['a viewer with blocks both ways, hidden warnings and reactions', '/feed', 'viewer_w'],
  ['that viewer, affirmations only', '/feed?category=affirmation', 'viewer_w'],
  ['that viewer, small pages', '/feed?limit=3', 'viewer_w'],
])('answers %s exactly like the database', async (_what, url, who) => {
  const fromDb = await get(api.app, url, who);
  const fromWindow = await get(windowed, url, who);
  expect(fromDb.statusCode).toBe(200);
  expect(fromWindow.json()).toEqual(fromDb.json());
  if (who === 'viewer_w') {
    const items = fromWindow.json().items as Array<{ creator: { handle: string }; contentWarnings: string[] }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.creator.handle === 'winb' && !i.contentWarnings.includes('grief'))).toBe(true);
  }
});

it('keeps counting towards the daily limit and ends the day with caughtUp', async () => {
  const first = (await get(windowed, '/feed', 'limited_w')).json();
  expect(first.items).toHaveLength(5);
  const second = (await get(windowed, '/feed', 'limited_w')).json();
  expect(second).toMatchObject({ items: [], caughtUp: true, reason: 'daily_limit' });
});

it('falls back to the database when filters leave the window short', async () => {
  // 160 published clips > the window; viewer_w sees only winb's un-hidden clips, spread across all of them
  expect(FEED_WINDOW).toBeLessThan(160);
  const fromDb = await get(api.app, '/feed?limit=50', 'viewer_w');
  const fromWindow = await get(windowed, '/feed?limit=50', 'viewer_w');
  expect(fromWindow.json().items.map((i: { id: string }) => i.id)).toEqual(fromDb.json().items.map((i: { id: string }) => i.id));
});
