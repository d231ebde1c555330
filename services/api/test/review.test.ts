// The review console against the real API, Postgres, Redis (BullMQ) and the S3 emulator: roles, claims under
// concurrency, decisions with their audit rows and media side effects, unpublishing and the affirmation pick.
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createQueueConnection, QUEUE_NAMES } from '@onward/queue';
import { objectKeys } from '@onward/storage';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { createReportRepository, createReviewRepository } from '@onward/db';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide as decideService, type ReviewContext, unpublish as unpublishService } from '../src/review/decisions.ts';
import { signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
const who = { anonymous: '', member: '', owner: '', reviewer: '', reviewer2: '', admin: '' };
const ids = { owner: '', reviewer: '', reviewer2: '', admin: '' };

beforeAll(async () => {
  api = await startTestApi();
  for (const name of Object.keys(who) as Array<keyof typeof who>) {
    if (name !== 'anonymous') who[name] = await signUp(api.app, `rv_${name}`);
  }
  for (const [name, role] of [
    ['owner', 'member'],
    ['reviewer', 'reviewer'],
    ['reviewer2', 'reviewer'],
    ['admin', 'admin'],
  ] as const) {
    const user = await api.deps.users.findUserByHandle(`rv_${name}`);
    if (!user) throw new Error('missing user');
    ids[name] = user.id;
    await api.deps.users.setRole(user.id, role);
  }
  connection = createQueueConnection(api.env.config.redis.url, 'producer');
  queue = new Queue(QUEUE_NAMES.media, { connection, prefix: `${api.env.config.redis.prefix}:bull` });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await api?.close();
});

/** A video in review without ffmpeg: the row, a tiny private HLS ladder and a poster, moved to in_review. */
async function videoInReview(opts: { category?: 'motivation' | 'education' | 'milestone' | 'affirmation'; ownerId?: string } = {}) {
  const id = randomUUID();
  await api.deps.videos.insertVideo({
    id,
    owner_id: opts.ownerId ?? ids.owner,
    title: '90 days today',
    category: opts.category ?? 'milestone',
    blur_faces: true,
    disguise_voice: true,
    content_warnings: ['substance_use'],
    duration_ms: 4000,
  });
  const put = (file: string, body: string, contentType: string) =>
    api.deps.storage.putStream(objectKeys.privateMedia(id, file), body, { contentType });
  await put('hls/master.m3u8', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000\n360p/index.m3u8\n', 'application/vnd.apple.mpegurl');
  await put('hls/360p/seg_00001.m4s', 'segment-bytes', 'video/iso.segment');
  await put('poster.jpg', 'jpeg-bytes', 'image/jpeg');
  await api.deps.storage.putStream(objectKeys.original(id), 'original-bytes');
  expect(await api.deps.videos.transitionStatus(id, 'processing', 'in_review')).toBe(true);
  return id;
}

function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: unknown) {
  return api.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

const decide = (id: string, cookie: string, body: Record<string, unknown>) => call('POST', `/review/videos/${id}/decision`, cookie, body);
const auditRows = (id: string) => api.deps.db.selectFrom('review_decisions').selectAll().where('video_id', '=', id).orderBy('id').execute();
const publicKeys = (id: string) => api.deps.storage.listKeys(objectKeys.publicMediaPrefix(id));
const statusOf = async (id: string) => (await api.deps.videos.findVideo(id))?.status;

describe('who may use the review console', () => {
  it('anonymous 401, members (and owners) 403, reviewers and admins allowed, on every route', async () => {
    const id = await videoInReview();
    const routes: Array<[method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown]> = [
      ['GET', '/review/queue'],
      ['POST', `/review/videos/${id}/claim`],
      ['DELETE', `/review/videos/${id}/claim`],
      ['GET', `/review/videos/${id}`],
      ['POST', `/review/videos/${id}/decision`, { decision: 'reject', reason: 'no' }],
      ['POST', `/review/videos/${id}/unpublish`, { reason: 'no' }],
      ['GET', `/review/videos/${id}/audit`],
      ['GET', '/review/reports'],
      ['POST', `/review/reports/${randomUUID()}/resolve`, { action: 'dismiss', reason: 'fine' }],
      ['PUT', '/review/affirmations/2030-01-01', { videoId: id }],
    ];
    for (const [method, url, body] of routes) {
      const anonymous = await call(method, url, '', body);
      expect([url, anonymous.statusCode, anonymous.json().error.code]).toEqual([url, 401, 'unauthenticated']);
      for (const cookie of [who.member, who.owner]) {
        const member = await call(method, url, cookie, body);
        expect([url, member.statusCode, member.json().error.code]).toEqual([url, 403, 'forbidden']);
      }
    }
    expect(await statusOf(id)).toBe('in_review');
    expect(await auditRows(id)).toEqual([]);
    for (const cookie of [who.reviewer, who.admin]) {
      expect((await call('GET', '/review/queue', cookie)).statusCode).toBe(200);
      expect((await call('GET', `/review/videos/${id}`, cookie)).statusCode).toBe(200);
      expect((await call('GET', '/review/reports', cookie)).statusCode).toBe(200);
    }
    const byAdmin = await decide(id, who.admin, { decision: 'request_changes', reason: 'Please blur the person at 0:03.' });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().video.status).toBe('changes_requested');
  });

  it('a reviewer may not claim or decide on their own video', async () => {
    const own = await videoInReview({ ownerId: ids.reviewer });
    for (const res of [await call('POST', `/review/videos/${own}/claim`, who.reviewer), await decide(own, who.reviewer, { decision: 'approve' })]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('own_video');
    }
    expect(await statusOf(own)).toBe('in_review');
    expect(await publicKeys(own)).toEqual([]);
  });
});

describe('the queue', () => {
  it('lists videos in review oldest first with owner, claim and professional flag, page by page', async () => {
    await api.deps.users.setVerifiedProfessional(ids.owner, true);
    const first = await videoInReview({ category: 'education' });
    const second = await videoInReview();
    const third = await videoInReview();
    // same created_at for two rows: the id breaks the tie, the cursor must neither skip nor repeat
    await sql`update videos set created_at = '2020-01-01T00:00:00.123456Z' where id in (${first}, ${second})`.execute(api.deps.db);
    await sql`update videos set created_at = '2020-01-01T00:00:00.123457Z' where id = ${third}`.execute(api.deps.db);
    await call('POST', `/review/videos/${second}/claim`, who.reviewer2);

    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/review/queue?limit=1${cursor ? `&cursor=${cursor}` : ''}`, who.reviewer);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().videos);
      cursor = res.json().nextCursor;
    } while (cursor && seen.length < 3);
    const expected = [first, second].sort();
    expect(seen.slice(0, 3).map((v) => v.id)).toEqual([...expected, third]);
    const item = seen.find((v) => v.id === second) as Record<string, unknown>;
    expect(item).toMatchObject({
      ownerHandle: 'rv_owner',
      ownerVerifiedProfessional: true,
      category: 'milestone',
      blurFaces: true,
      disguiseVoice: true,
      contentWarnings: ['substance_use'],
      durationMs: 4000,
      claim: { reviewerId: ids.reviewer2, reviewerHandle: 'rv_reviewer2' },
    });
    expect(seen.find((v) => v.id === first)?.claim).toBeNull();

    const bad = await call('GET', '/review/queue?cursor=bm90LWEtY3Vyc29y', who.reviewer);
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_cursor']);
    await api.deps.users.setVerifiedProfessional(ids.owner, false);
  });
});

describe('claims', () => {
  it('of two concurrent claims exactly one wins; the winner renews, releases, then the other may claim', async () => {
    const id = await videoInReview();
    const [a, b] = await Promise.all([
      call('POST', `/review/videos/${id}/claim`, who.reviewer),
      call('POST', `/review/videos/${id}/claim`, who.reviewer2),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const [winner, loser, winnerCookie, loserCookie] = a.statusCode === 200 ? [a, b, who.reviewer, who.reviewer2] : [b, a, who.reviewer2, who.reviewer];
    expect(loser.json().error.code).toBe('already_claimed');
    const until = new Date(winner.json().claim.until).getTime();
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);

    const renewed = await call('POST', `/review/videos/${id}/claim`, winnerCookie);
    expect(renewed.statusCode).toBe(200);
    expect(new Date(renewed.json().claim.until).getTime()).toBeGreaterThanOrEqual(until);

    // while the claim is live only the claimer decides
    const blocked = await decide(id, loserCookie, { decision: 'reject', reason: 'Not for this platform.' });
    expect([blocked.statusCode, blocked.json().error.code]).toEqual([409, 'claimed_by_other']);
    const releaseByOther = await call('DELETE', `/review/videos/${id}/claim`, loserCookie);
    expect([releaseByOther.statusCode, releaseByOther.json().error.code]).toEqual([409, 'claimed_by_other']);
    expect((await call('DELETE', `/review/videos/${id}/claim`, winnerCookie)).statusCode).toBe(204);
    expect((await call('POST', `/review/videos/${id}/claim`, loserCookie)).statusCode).toBe(200);

    // an expired claim frees itself
    await sql`update videos set claim_expires_at = now() - interval '1 second' where id = ${id}`.execute(api.deps.db);
    expect((await call('POST', `/review/videos/${id}/claim`, winnerCookie)).statusCode).toBe(200);
    expect(await auditRows(id)).toEqual([]);
  });

  it('refuses claims on missing videos or videos not in review', async () => {
    const missing = await call('POST', `/review/videos/${randomUUID()}/claim`, who.reviewer);
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'not_found']);
    const id = await videoInReview();
    await decide(id, who.reviewer, { decision: 'reject', reason: 'Shows other people without consent.' });
    const late = await call('POST', `/review/videos/${id}/claim`, who.reviewer2);
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'not_in_review']);
  });
});

describe('decisions', () => {
  it('validates the body: unknown decision, missing or oversized reason, approve-only fields', async () => {
    const id = await videoInReview();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ decision: 'publish' }, 'invalid_request'],
      [{ decision: 'reject' }, 'reason_required'],
      [{ decision: 'request_changes', reason: '   ' }, 'reason_required'],
      [{ decision: 'reject', reason: 'x'.repeat(2001) }, 'reason_too_long'],
      [{ decision: 'approve', contentWarnings: ['spoilers'] }, 'invalid_request'],
      [{ decision: 'approve', extra: true }, 'unknown_field'],
      [{ decision: 'reject', reason: 'no', featured: true }, 'approve_only_fields'],
    ];
    for (const [body, code] of cases) {
      const res = await decide(id, who.reviewer, body);
      expect([JSON.stringify(body).slice(0, 60), res.statusCode, res.json().error.code]).toEqual([JSON.stringify(body).slice(0, 60), 400, code]);
    }
    expect(await statusOf(id)).toBe('in_review');
    expect(await auditRows(id)).toEqual([]);
    const missing = await decide(randomUUID(), who.reviewer, { decision: 'approve' });
    expect(missing.statusCode).toBe(404);
  });

  it('approve publishes: immutable public copy, feed slot per category, audit row, original deletion scheduled', async () => {
    const first = await videoInReview({ category: 'motivation' });
    const second = await videoInReview({ category: 'motivation' });
    await call('POST', `/review/videos/${first}/claim`, who.reviewer);
    const res = await decide(first, who.reviewer, {
      decision: 'approve',
      category: 'affirmation',
      contentWarnings: ['relapse', 'grief'],
      featured: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().video).toEqual({ id: first, status: 'published' });
    expect(res.json().decision).toMatchObject({
      decision: 'approve',
      actorId: ids.reviewer,
      actorHandle: 'rv_reviewer',
      fromStatus: 'in_review',
      toStatus: 'published',
      details: { category: 'affirmation', contentWarnings: ['relapse', 'grief'], featured: true },
    });
    const row = await api.deps.videos.findVideo(first);
    expect(row).toMatchObject({ status: 'published', category: 'affirmation', content_warnings: ['relapse', 'grief'], featured: true, claimed_by: null });
    expect(row?.published_at).toBeInstanceOf(Date);
    const slotBefore = Number(row?.feed_slot);
    expect(slotBefore).toBeGreaterThanOrEqual(1);

    const keys = (await publicKeys(first)).sort();
    expect(keys).toEqual(
      ['hls/360p/seg_00001.m4s', 'hls/master.m3u8', 'poster.jpg'].map((f) => objectKeys.publicMedia(first, f)).sort(),
    );
    const head = await api.deps.storage.client.send(new HeadObjectCommand({ Bucket: api.deps.storage.bucket, Key: objectKeys.publicMedia(first, 'hls/master.m3u8') }));
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
    expect(head.ContentType).toBe('application/vnd.apple.mpegurl');

    const job = await queue.getJob(`delete-original-${first}`);
    expect(job?.name).toBe('delete-original');
    expect(job?.data).toEqual({ videoId: first });

    // the owner sees it published; the next approval in the same category takes the next slot
    const owner = await call('GET', `/videos/${first}`, who.owner);
    expect(owner.json().video).toMatchObject({ status: 'published', category: 'affirmation' });
    expect(owner.json().video.publishedAt).not.toBeNull();
    await decide(second, who.reviewer2, { decision: 'approve', category: 'affirmation' });
    expect(Number((await api.deps.videos.findVideo(second))?.feed_slot)).toBe(slotBefore + 1);
    expect((await api.deps.videos.findVideo(second))?.content_warnings).toEqual(['substance_use']);

    const audit = await auditRows(first);
    expect(audit).toHaveLength(1);
    // the audit trail is append-only, enforced by the database
    await expect(sql`update review_decisions set reason = 'edited' where video_id = ${first}`.execute(api.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from review_decisions where video_id = ${first}`.execute(api.deps.db)).rejects.toThrow(/append-only/);
  });

  it('two concurrent decisions: exactly one wins, the other gets 409 illegal_transition and writes no audit row', async () => {
    const pairs: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ decision: 'approve' }, { decision: 'reject', reason: 'Identifiable people in the background.' }],
      [{ decision: 'approve' }, { decision: 'approve' }],
    ];
    for (const [one, two] of pairs) {
      const id = await videoInReview();
      const results = await Promise.all([decide(id, who.reviewer, one), decide(id, who.reviewer2, two)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.statusCode === 409);
      expect(loser?.json().error.code).toBe('illegal_transition');
      const audit = await auditRows(id);
      expect(audit).toHaveLength(1);
      const status = await statusOf(id);
      expect(status).toBe(audit[0]?.to_status);
      // whatever won, public media exists exactly when the video is published
      expect((await publicKeys(id)).length > 0).toBe(status === 'published');
    }
  });

  it('a decision that fails half-way changes nothing: missing renditions give 409 media_missing', async () => {
    const id = await videoInReview();
    await api.deps.storage.deleteObject(objectKeys.privateMedia(id, 'hls/master.m3u8'));
    const res = await decide(id, who.reviewer, { decision: 'approve' });
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'media_missing']);
    expect(await statusOf(id)).toBe('in_review');
    expect(await auditRows(id)).toEqual([]);
    expect(await publicKeys(id)).toEqual([]);
    expect(await queue.getJob(`delete-original-${id}`)).toBeUndefined();
  });

  it('reject and request_changes never publish; the owner reads the reason', async () => {
    const rejected = await videoInReview();
    const res = await decide(rejected, who.reviewer, { decision: 'reject', reason: '  Shows a meeting room with other members.  ' });
    expect(res.statusCode).toBe(200);
    expect(await publicKeys(rejected)).toEqual([]);
    expect((await call('GET', `/videos/${rejected}`, who.owner)).json().video).toMatchObject({
      status: 'rejected',
      reviewReason: 'Shows a meeting room with other members.',
      publishedAt: null,
    });
    expect((await queue.getJob(`delete-original-${rejected}`))?.data).toEqual({ videoId: rejected });

    const changes = await videoInReview();
    expect((await decide(changes, who.reviewer, { decision: 'request_changes', reason: 'Please turn on face blur.' })).statusCode).toBe(200);
    expect(await publicKeys(changes)).toEqual([]);
    expect((await call('GET', `/videos/${changes}`, who.owner)).json().video).toMatchObject({ status: 'changes_requested', reviewReason: 'Please turn on face blur.' });
    // the original is kept while the owner may still fix things
    expect(await queue.getJob(`delete-original-${changes}`)).toBeUndefined();

    // decided videos cannot be decided again, and the database refuses illegal transitions on its own
    const again = await decide(rejected, who.reviewer2, { decision: 'approve' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'illegal_transition']);
    await expect(sql`update videos set status = 'published', published_at = now() where id = ${rejected}`.execute(api.deps.db)).rejects.toThrow(/illegal video status transition/);
    expect(await auditRows(rejected)).toHaveLength(1);
  });
});

describe('when the database step fails after the media step', () => {
  const failing = (method: 'decideVideo' | 'unpublishVideo'): ReviewContext => {
    const review = createReviewRepository(api.deps.db);
    return {
      deps: api.deps,
      config: api.env.config,
      reports: createReportRepository(api.deps.db),
      log: pino({ level: 'silent' }),
      review: { ...review, [method]: async () => Promise.reject(new Error('connection lost')) },
    };
  };
  const reviewer = () => ({ sessionId: randomUUID(), id: ids.reviewer, handle: 'rv_reviewer', role: 'reviewer' as const, verifiedProfessional: false, createdAt: new Date().toISOString() });

  it('an approval whose transaction fails leaves nothing public', async () => {
    const id = await videoInReview();
    await expect(decideService(failing('decideVideo'), reviewer(), id, { decision: 'approve' })).rejects.toThrow('connection lost');
    expect(await statusOf(id)).toBe('in_review');
    expect(await publicKeys(id)).toEqual([]);
    expect(await auditRows(id)).toEqual([]);
  });

  it('an unpublish whose transaction fails puts the public copy back', async () => {
    const id = await videoInReview();
    await decide(id, who.reviewer2, { decision: 'approve' });
    const before = (await publicKeys(id)).sort();
    await expect(unpublishService(failing('unpublishVideo'), reviewer(), id, 'Bystander visible.')).rejects.toThrow('connection lost');
    expect(await statusOf(id)).toBe('published');
    expect((await publicKeys(id)).sort()).toEqual(before);
    expect(await auditRows(id)).toHaveLength(1);
  });
});

describe('unpublish and the audit trail', () => {
  it('takes a published video back into review, removes its public copy at once, and audits it', async () => {
    const id = await videoInReview();
    expect((await decide(id, who.reviewer, { decision: 'approve' })).statusCode).toBe(200);
    expect((await publicKeys(id)).length).toBeGreaterThan(0);

    const noReason = await call('POST', `/review/videos/${id}/unpublish`, who.reviewer2, { reason: '' });
    expect([noReason.statusCode, noReason.json().error.code]).toEqual([400, 'reason_required']);
    const res = await call('POST', `/review/videos/${id}/unpublish`, who.reviewer2, { reason: 'A bystander asked to be removed.' });
    expect(res.statusCode).toBe(200);
    expect(res.json().video).toEqual({ id, status: 'in_review' });
    expect(await publicKeys(id)).toEqual([]);
    const row = await api.deps.videos.findVideo(id);
    expect(row).toMatchObject({ status: 'in_review', published_at: null, feed_slot: null });

    const twice = await call('POST', `/review/videos/${id}/unpublish`, who.reviewer2, { reason: 'again' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'illegal_transition']);

    const audit = await call('GET', `/review/videos/${id}/audit`, who.admin);
    expect(audit.statusCode).toBe(200);
    expect(audit.json().decisions.map((d: { decision: string; fromStatus: string; toStatus: string }) => [d.decision, d.fromStatus, d.toStatus])).toEqual([
      ['approve', 'in_review', 'published'],
      ['unpublish', 'published', 'in_review'],
    ]);
    const detail = await call('GET', `/review/videos/${id}`, who.reviewer);
    expect(detail.json().video).toMatchObject({
      status: 'in_review',
      ownerHandle: 'rv_owner',
      reviewReason: 'A bystander asked to be removed.',
      blurFaces: true,
      disguiseVoice: true,
    });
    expect(detail.json().video.decisions).toHaveLength(2);

    // it can be reviewed and published again
    expect((await decide(id, who.reviewer, { decision: 'approve' })).statusCode).toBe(200);
    expect((await publicKeys(id)).length).toBeGreaterThan(0);
    expect((await call('GET', `/review/videos/${randomUUID()}/audit`, who.reviewer)).statusCode).toBe(404);
  });
});

describe('daily affirmation pick', () => {
  const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('accepts a published affirmation for today..+60 days and replaces an earlier pick', async () => {
    const affirmation = await videoInReview({ category: 'affirmation' });
    const milestone = await videoInReview({ category: 'milestone' });
    const notYet = await call('PUT', `/review/affirmations/${dayFromToday(1)}`, who.reviewer, { videoId: affirmation });
    expect([notYet.statusCode, notYet.json().error.code]).toEqual([409, 'not_a_published_affirmation']);
    await decide(affirmation, who.reviewer, { decision: 'approve' });
    await decide(milestone, who.reviewer, { decision: 'approve' });
    const wrongCategory = await call('PUT', `/review/affirmations/${dayFromToday(1)}`, who.reviewer, { videoId: milestone });
    expect(wrongCategory.statusCode).toBe(409);

    const ok = await call('PUT', `/review/affirmations/${dayFromToday(1)}`, who.reviewer, { videoId: affirmation });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().affirmation).toEqual({ day: dayFromToday(1), videoId: affirmation });
    expect((await call('PUT', `/review/affirmations/${dayFromToday(1)}`, who.admin, { videoId: affirmation })).statusCode).toBe(200);
    const rows = await api.deps.db.selectFrom('daily_affirmations').select(['video_id', 'chosen_by']).execute();
    expect(rows).toEqual([{ video_id: affirmation, chosen_by: ids.admin }]);

    for (const [day, code] of [
      [dayFromToday(-1), 'day_out_of_range'],
      [dayFromToday(61), 'day_out_of_range'],
      ['2030-02-30', 'invalid_day'],
      ['tomorrow', 'invalid_request'],
    ]) {
      const res = await call('PUT', `/review/affirmations/${day}`, who.reviewer, { videoId: affirmation });
      expect([day, res.statusCode, res.json().error.code]).toEqual([day, 400, code]);
    }
    expect((await call('PUT', `/review/affirmations/${dayFromToday(0)}`, who.reviewer, { videoId: randomUUID() })).statusCode).toBe(404);
  });
});
