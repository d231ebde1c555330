// Members' reports of published videos and their resolution by reviewers, against the real API, Postgres,
// Redis (BullMQ) and the S3 emulator.
import { randomUUID } from 'node:crypto';
import { createQueueConnection, QUEUE_NAMES } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
const who = { owner: '', alice: '', bob: '', carol: '', reviewer: '' };
let ownerId = '';
let reviewerId = '';

beforeAll(async () => {
  api = await startTestApi();
  for (const name of Object.keys(who) as Array<keyof typeof who>) who[name] = await signUp(api.app, `rp_${name}`);
  const owner = await api.deps.users.findUserByHandle('rp_owner');
  const reviewer = await api.deps.users.findUserByHandle('rp_reviewer');
  if (!owner || !reviewer) throw new Error('missing users');
  ownerId = owner.id;
  reviewerId = reviewer.id;
  await api.deps.users.setRole(reviewer.id, 'reviewer');
  connection = createQueueConnection(api.env.config.redis.url, 'producer');
  queue = new Queue(QUEUE_NAMES.media, { connection, prefix: `${api.env.config.redis.prefix}:bull` });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await api?.close();
});

/** A video in review (row + tiny private HLS ladder, no ffmpeg); `publish` approves it through the API. */
async function video(publish: boolean) {
  const id = randomUUID();
  await api.deps.videos.insertVideo({ id, owner_id: ownerId, title: 'One year', category: 'milestone', duration_ms: 3000 });
  await api.deps.storage.putStream(objectKeys.privateMedia(id, 'hls/master.m3u8'), '#EXTM3U\n', { contentType: 'application/vnd.apple.mpegurl' });
  await api.deps.storage.putStream(objectKeys.privateMedia(id, 'hls/360p/seg_00001.m4s'), 'segment');
  await api.deps.storage.putStream(objectKeys.privateMedia(id, 'poster.jpg'), 'jpeg', { contentType: 'image/jpeg' });
  await api.deps.videos.transitionStatus(id, 'processing', 'in_review');
  if (publish) {
    const res = await api.app.inject({
      method: 'POST',
      url: `/review/videos/${id}/decision`,
      headers: { cookie: who.reviewer },
      payload: { decision: 'approve' },
    });
    expect(res.statusCode).toBe(200);
  }
  return id;
}

const report = (id: string, cookie: string | undefined, payload: Record<string, unknown>) =>
  api.app.inject({ method: 'POST', url: `/videos/${id}/reports`, headers: cookie ? { cookie } : {}, payload });
const resolve = (reportId: string, cookie: string, payload: Record<string, unknown>) =>
  api.app.inject({ method: 'POST', url: `/review/reports/${reportId}/resolve`, headers: { cookie }, payload });
const openReports = async (cookie = who.reviewer) => api.app.inject({ method: 'GET', url: '/review/reports', headers: { cookie } });
const publicKeys = (id: string) => api.deps.storage.listKeys(objectKeys.publicMediaPrefix(id));
const auditRows = (id: string) => api.deps.db.selectFrom('review_decisions').selectAll().where('video_id', '=', id).orderBy('id').execute();

describe('reporting', () => {
  it('only published videos can be reported; anything else answers exactly like a missing video', async () => {
    const inReview = await video(false);
    const missing = await report(randomUUID(), who.alice, { reason: 'harassment' });
    const unpublished = await report(inReview, who.alice, { reason: 'harassment' });
    expect(missing.statusCode).toBe(404);
    expect(unpublished.statusCode).toBe(404);
    expect(unpublished.json()).toEqual(missing.json());
    expect((await report(inReview, undefined, { reason: 'harassment' })).statusCode).toBe(401);
  });

  it('one open report per member per video; reasons and details are validated', async () => {
    const id = await video(true);
    const first = await report(id, who.alice, { reason: 'no_consent', details: 'That is me in the background.' });
    expect(first.statusCode).toBe(201);
    expect(first.json().report).toMatchObject({ videoId: id, reason: 'no_consent', status: 'open' });
    const dup = await report(id, who.alice, { reason: 'other' });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'already_reported']);
    for (const body of [{ reason: 'spam' }, { reason: 'other', details: 'x'.repeat(2001) }, {}, { reason: 'other', extra: 1 }]) {
      expect((await report(id, who.bob, body)).statusCode).toBe(400);
    }
    const rows = await api.deps.db.selectFrom('reports').selectAll().where('video_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toBe('That is me in the background.');
  });
});

describe('working through reports', () => {
  it('lists open reports crisis first, then oldest first, with open-report counts; members may not', async () => {
    const calm = await video(true);
    const urgent = await video(true);
    const a = (await report(calm, who.bob, { reason: 'promotes_drug_use' })).json().report.id;
    const b = (await report(calm, who.carol, { reason: 'other' })).json().report.id;
    const c = (await report(urgent, who.bob, { reason: 'crisis', details: 'They talk about ending it.' })).json().report.id;

    expect((await openReports(who.alice)).statusCode).toBe(403);
    const res = await openReports();
    expect(res.statusCode).toBe(200);
    const listed = res.json().reports as Array<{ id: string; reason: string; video: { id: string; openReports: number } }>;
    const mine = listed.filter((r) => [a, b, c].includes(r.id));
    expect(mine.map((r) => r.id)).toEqual([c, a, b]);
    expect(listed[0]?.reason).toBe('crisis');
    expect(res.json().counts).toEqual({ open: listed.length, crisis: 1 });
    expect(mine.map((r) => r.video.openReports)).toEqual([1, 2, 2]);
    expect(mine[0]?.video).toMatchObject({ id: urgent, status: 'published', ownerHandle: 'rp_owner' });

    // keyset pages keep the same order
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof openReports>> = await api.app.inject({
        method: 'GET',
        url: `/review/reports?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        headers: { cookie: who.reviewer },
      });
      ids.push(...page.json().reports.map((r: { id: string }) => r.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(ids).toEqual(listed.map((r) => r.id));
  });

  it('remove: the video is removed, its public copy gone, all its reports resolved, the owner told why', async () => {
    const id = await video(true);
    expect((await publicKeys(id)).length).toBeGreaterThan(0);
    const first = (await report(id, who.alice, { reason: 'no_consent' })).json().report.id;
    const second = (await report(id, who.bob, { reason: 'harassment' })).json().report.id;

    const noReason = await resolve(first, who.reviewer, { action: 'remove', reason: ' ' });
    expect([noReason.statusCode, noReason.json().error.code]).toEqual([400, 'reason_required']);
    expect((await resolve(first, who.alice, { action: 'remove', reason: 'x' })).statusCode).toBe(403);

    const res = await resolve(first, who.reviewer, { action: 'remove', reason: 'A person in the clip did not consent.' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ video: { id, status: 'removed' }, resolvedReports: 2, decision: { decision: 'remove', details: { reportId: first } } });
    expect(await publicKeys(id)).toEqual([]);
    const reports = await api.deps.db.selectFrom('reports').selectAll().where('video_id', '=', id).orderBy('created_at').execute();
    expect(reports.map((r) => [r.id, r.status, r.resolution, r.resolved_by])).toEqual([
      [first, 'resolved', 'removed', reviewerId],
      [second, 'resolved', 'removed', reviewerId],
    ]);
    expect(reports.every((r) => r.resolved_at instanceof Date)).toBe(true);
    const owner = await api.app.inject({ method: 'GET', url: `/videos/${id}`, headers: { cookie: who.owner } });
    expect(owner.json().video).toMatchObject({ status: 'removed', reviewReason: 'A person in the clip did not consent.' });
    expect((await queue.getJob(`delete-original-${id}`))?.data).toEqual({ videoId: id });
    expect((await auditRows(id)).map((r) => [r.decision, r.from_status, r.to_status])).toEqual([
      ['approve', 'in_review', 'published'],
      ['remove', 'published', 'removed'],
    ]);

    const again = await resolve(second, who.reviewer, { action: 'dismiss', reason: 'dup' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'report_closed']);
    expect((await report(id, who.carol, { reason: 'other' })).statusCode).toBe(404);
    expect((await openReports()).json().reports.some((r: { video: { id: string } }) => r.video.id === id)).toBe(false);
  });

  it('dismiss: only that report is closed, the video stays published, and it is audited', async () => {
    const id = await video(true);
    const first = (await report(id, who.alice, { reason: 'other' })).json().report.id;
    const second = (await report(id, who.bob, { reason: 'other' })).json().report.id;
    const res = await resolve(first, who.reviewer, { action: 'dismiss', reason: 'A recovery story, nothing harmful.' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ video: { id, status: 'published' }, resolvedReports: 1 });
    const rows = await api.deps.db.selectFrom('reports').select(['id', 'status', 'resolution']).where('video_id', '=', id).execute();
    expect(rows.find((r) => r.id === first)).toMatchObject({ status: 'dismissed', resolution: 'dismissed' });
    expect(rows.find((r) => r.id === second)).toMatchObject({ status: 'open' });
    expect((await publicKeys(id)).length).toBeGreaterThan(0);
    const audit = await auditRows(id);
    expect(audit.at(-1)).toMatchObject({ decision: 'dismiss_report', from_status: 'published', to_status: 'published', details: { reportId: first } });
    // a dismissed report no longer blocks the member from reporting again
    expect((await report(id, who.alice, { reason: 'crisis' })).statusCode).toBe(201);
    expect((await resolve(randomUUID(), who.reviewer, { action: 'dismiss', reason: 'x' })).statusCode).toBe(404);
  });
});

describe('report flooding', () => {
  it('limits a member to REPORTS_PER_HOUR reports an hour (429 with Retry-After), but never a crisis report', async () => {
    const flooder = await signUp(api.app, 'rp_flooder');
    const limit = api.env.config.limits.reportsPerHour;
    const ids = await Promise.all(Array.from({ length: limit + 2 }, () => video(true)));
    for (const id of ids.slice(0, limit)) expect((await report(id, flooder, { reason: 'harassment' })).statusCode).toBe(201);
    const refused = await report(ids[limit] as string, flooder, { reason: 'promotes_drug_use' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_reports');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    const stored = await api.deps.db.selectFrom('reports').select('video_id').where('video_id', '=', ids[limit] as string).execute();
    expect(stored).toHaveLength(0);
    // A crisis concern always reaches the reviewers, and other members are not affected.
    expect((await report(ids[limit] as string, flooder, { reason: 'crisis' })).statusCode).toBe(201);
    expect((await report(ids[limit + 1] as string, who.bob, { reason: 'harassment' })).statusCode).toBe(201);
  });
});
