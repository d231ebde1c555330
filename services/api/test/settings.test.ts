// Wellbeing settings, milestones, supportive reactions, blocks and crisis help through the HTTP stack.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { utcDay } from '../src/feed/daily.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let me: string;
let other: string;
let myId: string;
let dir: string;

const as = (cookie: string | undefined, method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  api.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload ? { payload } : {}) });

async function video(ownerId: string, opts: { publish: boolean; milestoneDays?: number }) {
  const id = randomUUID();
  await api.deps.videos.insertVideo({ id, owner_id: ownerId, title: 'a clip', category: 'milestone', milestone_days: opts.milestoneDays ?? null });
  await api.deps.videos.transitionStatus(id, 'processing', 'in_review');
  if (opts.publish) await api.deps.videos.transitionStatus(id, 'in_review', 'published', { published_at: new Date() });
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  me = await signUp(api.app, 'steady_me');
  other = await signUp(api.app, 'kind_other');
  myId = (await api.deps.users.findUserByHandle('steady_me'))?.id as string;
  dir = await mkdtemp(join(tmpdir(), 'onward-crisis-'));
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('wellbeing settings', () => {
  it('starts empty, saves valid changes, and needs a login', async () => {
    expect((await as(undefined, 'GET', '/me/settings')).statusCode).toBe(401);
    expect((await as(me, 'GET', '/me/settings')).json()).toEqual({
      settings: { sobrietyDate: null, shareSobrietyDate: false, dailyFeedLimit: null, hiddenWarnings: [] },
    });
    const res = await as(me, 'PATCH', '/me/settings', {
      sobrietyDate: '2025-08-24',
      shareSobrietyDate: true,
      dailyFeedLimit: 30,
      hiddenWarnings: ['relapse', 'self_harm'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toEqual({ sobrietyDate: '2025-08-24', shareSobrietyDate: true, dailyFeedLimit: 30, hiddenWarnings: ['relapse', 'self_harm'] });
    expect((await as(me, 'PATCH', '/me/settings', { dailyFeedLimit: null })).json().settings.dailyFeedLimit).toBeNull();
    expect((await as(me, 'GET', '/me/settings')).json().settings.sobrietyDate).toBe('2025-08-24');
  });

  it.each([
    [{ sobrietyDate: '2999-01-01' }, 'invalid_sobriety_date'],
    [{ sobrietyDate: '2025-02-30' }, 'invalid_request'],
    [{ sobrietyDate: 'yesterday' }, 'invalid_request'],
    [{ dailyFeedLimit: 2 }, 'invalid_request'],
    [{ dailyFeedLimit: 501 }, 'invalid_request'],
    [{ dailyFeedLimit: 4.5 }, 'invalid_request'],
    [{ hiddenWarnings: ['spoilers'] }, 'invalid_request'],
    [{ hiddenWarnings: ['grief', 'grief'] }, 'invalid_request'],
    [{ shareSobrietyDate: 'yes please' }, 'invalid_request'],
    [{ theme: 'dark' }, 'unknown_field'],
    [{}, 'invalid_request'],
  ])('refuses %j with 400 %s', async (payload, code) => {
    const res = await as(me, 'PATCH', '/me/settings', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
  });

  it('accepts today as a sobriety date (day 0)', async () => {
    expect((await as(other, 'PATCH', '/me/settings', { sobrietyDate: utcDay() })).statusCode).toBe(200);
    expect((await as(other, 'GET', '/me/milestones')).json()).toMatchObject({ daysSober: 0, nextMilestone: { days: 1, label: '24 hours', inDays: 1 } });
  });
});

describe('milestones', () => {
  it('shows my days sober, the next milestone and my milestone videos in any status', async () => {
    const date = new Date(Date.now() - 95 * 86_400_000).toISOString().slice(0, 10);
    await as(me, 'PATCH', '/me/settings', { sobrietyDate: date });
    const inReview = await video(myId, { publish: false, milestoneDays: 90 });
    const live = await video(myId, { publish: true, milestoneDays: 30 });
    await video(myId, { publish: true });
    const res = await as(me, 'GET', '/me/milestones');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ sobrietyDate: date, daysSober: 95, nextMilestone: { days: 182, label: '6 months', inDays: 87 } });
    expect(body.videos.map((v: { id: string }) => v.id).sort()).toEqual([inReview, live].sort());
    expect(body.videos.find((v: { id: string }) => v.id === inReview)).toMatchObject({ status: 'in_review', milestone: { days: 90, label: '90 days' }, publishedAt: null });
  });

  it('has no days or next milestone without a sobriety date', async () => {
    await as(me, 'PATCH', '/me/settings', { sobrietyDate: null });
    expect((await as(me, 'GET', '/me/milestones')).json()).toMatchObject({ sobrietyDate: null, daysSober: null, nextMilestone: null });
  });
});

describe('reactions', () => {
  it('lets members react once per kind and shows counts only to the owner', async () => {
    const id = await video(myId, { publish: true });
    for (let i = 0; i < 2; i++) expect((await as(other, 'PUT', `/videos/${id}/reactions/same_here`)).statusCode).toBe(204);
    expect((await as(other, 'PUT', `/videos/${id}/reactions/thank_you`)).statusCode).toBe(204);
    expect((await as(me, 'PUT', `/videos/${id}/reactions/thank_you`)).statusCode).toBe(204);

    const owner = await as(me, 'GET', `/videos/${id}/reactions`);
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toEqual({ counts: { proud_of_you: 0, same_here: 1, thank_you: 2, sending_strength: 0 } });
    expect((await as(other, 'GET', `/videos/${id}/reactions`)).statusCode).toBe(404);
    expect((await as(undefined, 'GET', `/videos/${id}/reactions`)).statusCode).toBe(401);

    expect((await as(other, 'DELETE', `/videos/${id}/reactions/same_here`)).statusCode).toBe(204);
    expect((await as(other, 'DELETE', `/videos/${id}/reactions/same_here`)).statusCode).toBe(204);
    expect((await as(me, 'GET', `/videos/${id}/reactions`)).json().counts.same_here).toBe(0);
  });

  it('answers 404 for unpublished or missing videos, 400 for an unknown kind, 401 anonymous', async () => {
    const unpublished = await video(myId, { publish: false });
    expect((await as(other, 'PUT', `/videos/${unpublished}/reactions/proud_of_you`)).statusCode).toBe(404);
    expect((await as(me, 'PUT', `/videos/${unpublished}/reactions/proud_of_you`)).statusCode).toBe(404);
    expect((await as(other, 'PUT', `/videos/${randomUUID()}/reactions/proud_of_you`)).statusCode).toBe(404);
    const published = await video(myId, { publish: true });
    expect((await as(other, 'PUT', `/videos/${published}/reactions/like`)).statusCode).toBe(400);
    expect((await as(undefined, 'PUT', `/videos/${published}/reactions/proud_of_you`)).statusCode).toBe(401);
    // The owner sees counts of an unpublished video too (all zero here).
    expect((await as(me, 'GET', `/videos/${unpublished}/reactions`)).statusCode).toBe(200);
  });

  it('answers 404 when either side blocked the other', async () => {
    const id = await video(myId, { publish: true });
    await as(me, 'PUT', '/users/kind_other/block');
    expect((await as(other, 'PUT', `/videos/${id}/reactions/proud_of_you`)).statusCode).toBe(404);
    await as(me, 'DELETE', '/users/kind_other/block');
    expect((await as(other, 'PUT', `/videos/${id}/reactions/proud_of_you`)).statusCode).toBe(204);
  });
});

describe('blocks', () => {
  it('blocks idempotently, lists, unblocks, and refuses self or unknown handles', async () => {
    expect((await as(me, 'PUT', '/users/KIND_OTHER/block')).statusCode).toBe(204);
    expect((await as(me, 'PUT', '/users/kind_other/block')).statusCode).toBe(204);
    const list = (await as(me, 'GET', '/me/blocks')).json();
    expect(list.blocks).toEqual([{ handle: 'kind_other', blockedAt: expect.any(String) }]);
    expect((await as(other, 'GET', '/me/blocks')).json().blocks).toEqual([]);

    const self = await as(me, 'PUT', '/users/steady_me/block');
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('cannot_block_self');
    expect((await as(me, 'PUT', '/users/nobody_here/block')).statusCode).toBe(404);
    expect((await as(undefined, 'PUT', '/users/kind_other/block')).statusCode).toBe(401);

    expect((await as(me, 'DELETE', '/users/kind_other/block')).statusCode).toBe(204);
    expect((await as(me, 'GET', '/me/blocks')).json().blocks).toEqual([]);
  });
});

describe('crisis resources', () => {
  it('serves the US lines anonymously by default', async () => {
    const res = await as(undefined, 'GET', '/help/crisis-resources');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.region).toBe('US');
    expect(body).not.toHaveProperty('note');
    expect(body.resources).toEqual([
      expect.objectContaining({ phone: '988', text: '988', url: 'https://988lifeline.org' }),
      expect.objectContaining({ phone: '1-800-662-4357', url: 'https://www.samhsa.gov/find-help/national-helpline' }),
      expect.objectContaining({ phone: '911' }),
    ]);
    expect((await as(undefined, 'GET', '/help/crisis-resources?region=us')).json().region).toBe('US');
  });

  it('answers an unknown region with the US data and a note', async () => {
    const body = (await as(undefined, 'GET', '/help/crisis-resources?region=ZZ')).json();
    expect(body.region).toBe('US');
    expect(body.note).toMatch(/ZZ/);
    expect(body.resources[0].phone).toBe('988');
  });

  it('reads CRISIS_RESOURCES_FILE at start-up, and refuses to start with a malformed one', async () => {
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ regions: { GB: { name: 'United Kingdom', resources: [{ name: 'Samaritans', description: 'Call free, any time.', phone: '116 123', url: 'https://www.samaritans.org' }] } } }));
    const app = await buildApp({ ...api.env.config, crisisResourcesFile: good }, { deps: api.deps });
    try {
      const body = (await app.inject({ method: 'GET', url: '/help/crisis-resources?region=GB' })).json();
      expect(body).toMatchObject({ region: 'GB', name: 'United Kingdom', resources: [{ name: 'Samaritans' }] });
      expect((await app.inject({ method: 'GET', url: '/help/crisis-resources' })).json().region).toBe('US');
    } finally {
      await app.close();
    }
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ regions: { GB: { name: 'UK', resources: [{ name: 'x' }] } } }));
    await expect(buildApp({ ...api.env.config, crisisResourcesFile: bad }, { deps: api.deps })).rejects.toThrow(/CRISIS_RESOURCES_FILE/);
    await expect(buildApp({ ...api.env.config, crisisResourcesFile: join(dir, 'missing.json') }, { deps: api.deps })).rejects.toThrow(/CRISIS_RESOURCES_FILE/);
  });
});
