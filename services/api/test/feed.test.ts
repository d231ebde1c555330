// The curated feed end to end against real Postgres and Redis: order, keyset pages, cursors, blocks both ways,
// hidden warnings, the daily limit, and the daily affirmation.
import { randomUUID } from 'node:crypto';
import type { Category, ContentWarning } from '@onward/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { affirmationSeed, utcDay } from '../src/feed/daily.ts';
import { compareFeedKeys, type FeedKey } from '../src/feed/ordering.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
/** Every published video with its feed key and owner. */
const published: Array<FeedKey & { owner: string; warnings: string[] }> = [];
let hidden: { inReview: string; removed: string };

async function insertVideo(owner: string, category: Category, opts: { warnings?: ContentWarning[]; milestoneDays?: number } = {}) {
  const id = randomUUID();
  await api.deps.videos.insertVideo({
    id,
    owner_id: ids[owner] as string,
    title: `${category} by ${owner}`,
    category,
    milestone_days: opts.milestoneDays ?? null,
    content_warnings: opts.warnings ?? [],
    duration_ms: 15_000,
    width: 720,
    height: 1280,
  });
  await api.deps.videos.transitionStatus(id, 'processing', 'in_review');
  return id;
}

/** Publishes the way the database allows (processing -> in_review -> published), then sets the curation. */
async function publish(
  owner: string,
  category: Category,
  slot: number,
  opts: { featured?: boolean; warnings?: ContentWarning[]; milestoneDays?: number } = {},
) {
  const id = await insertVideo(owner, category, opts);
  await api.deps.videos.transitionStatus(id, 'in_review', 'published', { published_at: new Date() });
  await api.deps.db
    .updateTable('videos')
    .set({ feed_slot: String(slot), featured: opts.featured ?? false })
    .where('id', '=', id)
    .execute();
  published.push({ id, featured: opts.featured ?? false, slot: String(slot), category, owner, warnings: opts.warnings ?? [] });
  return id;
}

const get = (url: string, who?: string) =>
  api.app.inject({ method: 'GET', url, headers: who ? { cookie: cookies[who] as string } : {} });

/** Walks every page of a feed; returns the ids in order and the pages. */
async function walk(url: string, who?: string, from: string | null = null) {
  const pages: Array<Record<string, unknown> & { items: Array<{ id: string }> }> = [];
  let cursor: string | null = from;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url, who);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    pages.push(body);
    cursor = body.nextCursor;
  } while (cursor && pages.length < 200);
  return { ids: pages.flatMap((p) => p.items.map((i) => i.id)), pages };
}

const expectedOrder = (filter: (v: (typeof published)[number]) => boolean, categoryFixed = false) =>
  published
    .filter(filter)
    .sort((a, b) => compareFeedKeys(a, b, categoryFixed))
    .map((v) => v.id);

beforeAll(async () => {
  api = await startTestApi();
  for (const handle of ['ana', 'ben', 'cai', 'viewer', 'limited', 'fresh']) {
    cookies[handle] = await signUp(api.app, handle === 'ben' ? 'dr_ben' : handle);
    const row = await api.deps.users.findUserByHandle(handle === 'ben' ? 'dr_ben' : handle);
    ids[handle] = row?.id as string;
  }
  await api.deps.db.updateTable('users').set({ verified_professional: true }).where('id', '=', ids.ben as string).execute();
  await api.deps.db
    .updateTable('users')
    .set({ sobriety_date: '2026-01-01', share_sobriety_date: true })
    .where('id', '=', ids.cai as string)
    .execute();

  // Three categories with slots 1..4 each, two featured clips, warnings and a milestone.
  for (let slot = 1; slot <= 4; slot++) {
    await publish('ana', 'motivation', slot, { warnings: slot === 2 ? ['relapse'] : [] });
    await publish('ben', 'education', slot, { warnings: slot === 3 ? ['medical', 'grief'] : [] });
    await publish('cai', 'milestone', slot, { milestoneDays: 90 * slot });
  }
  await publish('ana', 'motivation', 5, { featured: true });
  await publish('cai', 'milestone', 5, { featured: true, milestoneDays: 365 });

  const inReview = await insertVideo('ana', 'motivation');
  const removed = await insertVideo('ben', 'education');
  await api.deps.videos.transitionStatus(removed, 'in_review', 'published', { published_at: new Date() });
  await api.deps.db.updateTable('videos').set({ feed_slot: '99', featured: true }).where('id', '=', removed).execute();
  await api.deps.videos.transitionStatus(removed, 'published', 'removed');
  hidden = { inReview, removed };
});
afterAll(async () => api?.close());

describe('GET /feed order and pages', () => {
  it('serves featured first, then newest slot, categories interleaved; nothing unpublished; no counts', async () => {
    const res = await get('/feed?limit=50');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((i: { id: string }) => i.id)).toEqual(expectedOrder(() => true));
    const labels = body.items.map((i: { category: string }) => i.category);
    // After the two featured clips: slot 4 of each category, then slot 3 of each, ...
    expect(labels.slice(2, 8)).toEqual(['education', 'milestone', 'motivation', 'education', 'milestone', 'motivation']);
    expect(body.items.map((i: { id: string }) => i.id)).not.toContain(hidden.inReview);
    expect(body.items.map((i: { id: string }) => i.id)).not.toContain(hidden.removed);
    expect(body).toMatchObject({ nextCursor: null, caughtUp: true, reason: 'end_of_feed', message: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/view|like|follower|count/i);

    const milestone = body.items.find((i: { category: string; featured: boolean }) => i.category === 'milestone');
    expect(milestone.milestone).toEqual({ days: 365, label: '1 year' });
    expect(milestone.creator).toMatchObject({ handle: 'cai', verifiedProfessional: false, sober: { days: expect.any(Number) } });
    expect(JSON.stringify(body)).not.toContain('2026-01-01');
    const education = body.items.find((i: { category: string }) => i.category === 'education');
    expect(education).toMatchObject({
      creator: { handle: 'dr_ben', verifiedProfessional: true },
      durationMs: 15_000,
      width: 720,
      height: 1280,
      masterUrl: expect.stringMatching(new RegExp(`/${education.id}/hls/master\\.m3u8$`)),
      posterUrl: expect.stringMatching(new RegExp(`/${education.id}/poster\\.jpg$`)),
    });
    expect(education.creator).not.toHaveProperty('sober');
    // Anonymous: no personal fields.
    expect(education).not.toHaveProperty('myReactions');
  });

  it('returns every item exactly once across keyset pages, and only the last page is caught up', async () => {
    for (const limit of [1, 4, 7]) {
      const { ids: seen, pages } = await walk(`/feed?limit=${limit}`);
      expect(seen).toEqual(expectedOrder(() => true));
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages.slice(0, -1).every((p) => p.caughtUp === false)).toBe(true);
      expect(pages.at(-1)).toMatchObject({ caughtUp: true, nextCursor: null });
    }
  });

  it('keeps pages stable when new videos are published while paging', async () => {
    const first = (await get('/feed?limit=5')).json();
    const late = await publish('ana', 'motivation', 6);
    const rest = await walk('/feed?limit=5', undefined, first.nextCursor);
    const seen = [...first.items.map((i: { id: string }) => i.id), ...rest.ids];
    expect(new Set(seen).size).toBe(seen.length);
    // The newer video ranks above the cursor, so this walk does not repeat or skip anything else.
    expect(seen).toEqual(expectedOrder((v) => v.id !== late));
  });

  it('filters to one category, in order, across pages', async () => {
    const { ids: seen } = await walk('/feed?category=education&limit=3');
    expect(seen).toEqual(expectedOrder((v) => v.category === 'education', true));
  });

  it('refuses tampered, garbage and cross-feed cursors with 400 invalid_cursor', async () => {
    const cursor: string = (await get('/feed?limit=2')).json().nextCursor;
    const [payload, tag] = cursor.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    decoded[3] = '1';
    const tampered = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${tag}`;
    for (const bad of [tampered, 'garbage', `${payload}.AAAA`, `${cursor}x`]) {
      const res = await get(`/feed?cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_cursor');
    }
    const cross = await get(`/feed?category=education&cursor=${encodeURIComponent(cursor)}`);
    expect(cross.json().error.code).toBe('invalid_cursor');
  });

  it('refuses an unknown category with 400 invalid_category, and a limit over 50', async () => {
    const res = await get('/feed?category=gossip');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_category');
    expect((await get('/feed?limit=51')).statusCode).toBe(400);
  });
});

describe('GET /feed for a logged-in viewer', () => {
  it('hides creators I blocked and creators who blocked me, and shows my reactions', async () => {
    const mine = await publish('viewer', 'motivation', 7);
    const all = (await walk('/feed?limit=50', 'viewer')).ids;
    expect(all).toEqual(expectedOrder(() => true));

    expect((await api.app.inject({ method: 'PUT', url: '/users/ana/block', headers: { cookie: cookies.viewer as string } })).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'PUT', url: '/users/viewer/block', headers: { cookie: cookies.ben as string } })).statusCode).toBe(204);
    const filtered = (await walk('/feed?limit=4', 'viewer')).ids;
    expect(filtered).toContain(mine);
    expect(filtered).toEqual(expectedOrder((v) => v.owner !== 'ana' && v.owner !== 'ben'));
    // The blocked creator no longer sees the blocker either, and anonymous visitors see everything.
    expect((await walk('/feed?limit=50', 'ana')).ids).toEqual(expectedOrder((v) => v.owner !== 'viewer'));
    expect((await walk('/feed?limit=50', 'ben')).ids).toEqual(expectedOrder((v) => v.owner !== 'viewer'));
    expect((await walk('/feed?limit=50')).ids).toEqual(expectedOrder(() => true));

    await api.app.inject({ method: 'DELETE', url: '/users/ana/block', headers: { cookie: cookies.viewer as string } });
    await api.app.inject({ method: 'DELETE', url: '/users/viewer/block', headers: { cookie: cookies.ben as string } });
    expect((await walk('/feed?limit=50', 'viewer')).ids).toEqual(expectedOrder(() => true));

    const target = published.find((v) => v.owner === 'cai') as FeedKey;
    await api.app.inject({ method: 'PUT', url: `/videos/${target.id}/reactions/proud_of_you`, headers: { cookie: cookies.viewer as string } });
    const items = (await get('/feed?limit=50', 'viewer')).json().items as Array<{ id: string; myReactions: string[] }>;
    expect(items.find((i) => i.id === target.id)?.myReactions).toEqual(['proud_of_you']);
    expect(items.filter((i) => i.id !== target.id).every((i) => i.myReactions.length === 0)).toBe(true);
  });

  it('leaves out items carrying any warning I chose to hide', async () => {
    const patch = await api.app.inject({
      method: 'PATCH',
      url: '/me/settings',
      headers: { cookie: cookies.viewer as string },
      payload: { hiddenWarnings: ['relapse', 'grief'] },
    });
    expect(patch.statusCode).toBe(200);
    const seen = (await walk('/feed?limit=5', 'viewer')).ids;
    expect(seen).toEqual(expectedOrder((v) => !v.warnings.includes('relapse') && !v.warnings.includes('grief')));
    expect(seen.length).toBe(published.length - 2);
    await api.app.inject({ method: 'PATCH', url: '/me/settings', headers: { cookie: cookies.viewer as string }, payload: { hiddenWarnings: [] } });
  });

  it('stops at my daily limit with caughtUp, a kind message and crisis help', async () => {
    await api.app.inject({ method: 'PATCH', url: '/me/settings', headers: { cookie: cookies.limited as string }, payload: { dailyFeedLimit: 5 } });
    const first = (await get('/feed?limit=3', 'limited')).json();
    expect(first.items).toHaveLength(3);
    const second = (await get(`/feed?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`, 'limited')).json();
    expect(second.items).toHaveLength(2);
    expect(second.items.map((i: { id: string }) => i.id)).toEqual(expectedOrder(() => true).slice(3, 5));
    const third = await get(`/feed?cursor=${encodeURIComponent(second.nextCursor)}`, 'limited');
    expect(third.statusCode).toBe(200);
    expect(third.json()).toMatchObject({ items: [], caughtUp: true, reason: 'daily_limit', support: { helpUrl: '/help' } });
    expect(JSON.stringify(third.json().support.crisis)).toMatch(/988[\s\S]*1-800-662-4357/);
    // Even a fresh first page is over for today; the counter lives in Redis under the day's key with a TTL.
    expect((await get('/feed', 'limited')).json().reason).toBe('daily_limit');
    const ttl = await api.deps.redis.ttl(`feed:served:${ids.limited}:${utcDay()}`);
    expect(ttl).toBeGreaterThan(86_400);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
  });
});

describe('daily affirmation', () => {
  /** A new app instance: a process that has not remembered today's choice yet. */
  async function freshApp() {
    const app = await buildApp(api.env.config, { deps: api.deps });
    const on = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: cookies[who] as string } : {} });
    return { on, close: () => app.close() };
  }

  it('is null with no affirmation videos, then a fallback stable for the day, then the reviewers’ pick', async () => {
    const none = (await get('/feed')).json();
    expect(none.affirmation).toBeNull();
    expect((await get('/feed/affirmation')).json()).toEqual({ day: utcDay(), affirmation: null });

    const affirmations: string[] = [];
    for (let slot = 1; slot <= 5; slot++) affirmations.push(await publish('cai', 'affirmation', slot));
    const seed = affirmationSeed(utcDay());
    const sorted = [...affirmations].sort();
    const fallback = sorted.find((id) => id >= seed) ?? sorted[0];
    const second = await freshApp();
    try {
      expect((await second.on('/feed')).json().affirmation.id).toBe(fallback);
      expect((await second.on('/feed?category=affirmation', 'viewer')).json().affirmation).toMatchObject({ id: fallback, myReactions: [] });
      expect((await second.on('/feed/affirmation')).json().affirmation.id).toBe(fallback);

      // Not on other categories, nor on later pages.
      expect((await second.on('/feed?category=motivation')).json()).not.toHaveProperty('affirmation');
      const page1 = (await second.on('/feed?limit=2')).json();
      expect((await second.on(`/feed?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`)).json()).not.toHaveProperty('affirmation');

      // A viewer who blocked its creator gets none; everyone else still does.
      await api.app.inject({ method: 'PUT', url: '/users/cai/block', headers: { cookie: cookies.viewer as string } });
      expect((await second.on('/feed', 'viewer')).json().affirmation).toBeNull();
      expect((await second.on('/feed', 'ana')).json().affirmation.id).toBe(fallback);
      await api.app.inject({ method: 'DELETE', url: '/users/cai/block', headers: { cookie: cookies.viewer as string } });

      // A reviewers' pick: a process that remembered the fallback shows the pick within 30 s; a new one at once.
      const picked = affirmations.find((id) => id !== fallback) as string;
      await api.deps.db.insertInto('daily_affirmations').values({ day: utcDay(), video_id: picked, chosen_by: null }).execute();
      expect((await second.on('/feed/affirmation')).json().affirmation.id).toBe(fallback);
      const third = await freshApp();
      try {
        expect((await third.on('/feed')).json().affirmation).toMatchObject({ id: picked, category: 'affirmation', masterUrl: expect.any(String) });
        expect((await third.on('/feed/affirmation', 'viewer')).json().affirmation.id).toBe(picked);
        // A pick that is no longer published is never shown: the choice is made again at once.
        await api.deps.videos.transitionStatus(picked, 'published', 'removed');
        expect((await third.on('/feed/affirmation')).json().affirmation.id).toBe(fallback);
        expect((await third.on('/feed')).json().affirmation.id).toBe(fallback);
      } finally {
        await third.close();
      }
    } finally {
      await second.close();
    }
  });
});
