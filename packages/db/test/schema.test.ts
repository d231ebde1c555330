// The database itself enforces the video state machine and the append-only audit trail.
import { randomUUID } from 'node:crypto';
import { videoTransitionPairs } from '@onward/domain';
import { createTestEnvironment, type TestEnvironment } from '@onward/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createUserRepository, createVideoRepository, type Db, migrateToLatest } from '../src/index.ts';

let env: TestEnvironment;
let db: Db;
let ownerId: string;

beforeAll(async () => {
  env = await createTestEnvironment();
  db = createDb({ connectionString: env.config.databaseUrl });
  const owner = await createUserRepository(db).insertUser({ handle: 'schema_owner', email: null, passwordHash: 'x' });
  ownerId = owner!.id;
});
afterAll(async () => {
  await db?.destroy();
  await env?.close();
});

async function newVideo() {
  const id = randomUUID();
  await db.insertInto('videos').values({ id, owner_id: ownerId, title: 'One year', category: 'milestone' }).execute();
  return id;
}

const setStatus = (id: string, status: string) => sql`update videos set status = ${status} where id = ${id}`.execute(db);

describe('video status in the database', () => {
  it('holds exactly the transitions of the domain table', async () => {
    const rows = await db.selectFrom('video_status_transitions').selectAll().execute();
    const inDb = rows.map((r) => `${r.from_status}->${r.to_status}`).sort();
    expect(inDb).toEqual(videoTransitionPairs().map(([f, t]) => `${f}->${t}`).sort());
  });

  it('starts every video in processing', async () => {
    await expect(
      sql`insert into videos (id, owner_id, title, category, status, published_at) values (${randomUUID()}, ${ownerId}, 'x', 'milestone', 'published', now())`.execute(db),
    ).rejects.toThrow(/must start in processing/);
  });

  it('refuses an illegal transition even from raw SQL', async () => {
    const id = await newVideo();
    await expect(setStatus(id, 'published')).rejects.toThrow(/illegal video status transition processing -> published/);
    await setStatus(id, 'failed');
    await expect(setStatus(id, 'in_review')).rejects.toThrow(/illegal/);
    const row = await db.selectFrom('videos').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
  });

  it('refuses unknown statuses, categories and a published video without a publication time', async () => {
    const id = await newVideo();
    await expect(setStatus(id, 'viral')).rejects.toThrow();
    await expect(
      sql`insert into videos (id, owner_id, title, category) values (${randomUUID()}, ${ownerId}, 'x', 'gossip')`.execute(db),
    ).rejects.toThrow(/check constraint/);
    await setStatus(id, 'in_review');
    await expect(setStatus(id, 'published')).rejects.toThrow(/check constraint/);
  });

  it('lets exactly one of two concurrent guarded transitions win', async () => {
    const id = await newVideo();
    await setStatus(id, 'in_review');
    const videos = createVideoRepository(db);
    const results = await Promise.all([
      videos.transitionStatus(id, 'in_review', 'rejected', { review_reason: 'a' }),
      videos.transitionStatus(id, 'in_review', 'changes_requested', { review_reason: 'b' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('review decisions', () => {
  it('are append-only: no update, no delete, no truncate', async () => {
    const videoId = await newVideo();
    await db
      .insertInto('review_decisions')
      .values({ video_id: videoId, actor_id: ownerId, decision: 'reject', reason: 'test', from_status: 'in_review', to_status: 'rejected' })
      .execute();
    await expect(sql`update review_decisions set reason = 'rewritten'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from review_decisions`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate review_decisions`.execute(db)).rejects.toThrow(/append-only/);
    const rows = await db.selectFrom('review_decisions').select('reason').execute();
    expect(rows).toEqual([{ reason: 'test' }]);
  });

  it('outlive the deletion of the video and its owner', async () => {
    const owner = await createUserRepository(db).insertUser({ handle: 'short_lived', email: null, passwordHash: 'x' });
    const id = randomUUID();
    await db.insertInto('videos').values({ id, owner_id: owner!.id, title: 'x', category: 'education' }).execute();
    await db
      .insertInto('review_decisions')
      .values({ video_id: id, actor_id: null, decision: 'request_changes', reason: 'r', from_status: 'in_review', to_status: 'changes_requested' })
      .execute();
    await createUserRepository(db).deleteUser(owner!.id);
    const trail = await db.selectFrom('review_decisions').select('video_id').where('video_id', '=', id).execute();
    expect(trail).toHaveLength(1);
  });
});

describe('migrations', () => {
  it('are idempotent and safe to run concurrently', async () => {
    const others = [createDb({ connectionString: env.config.databaseUrl }), createDb({ connectionString: env.config.databaseUrl })];
    try {
      const ran = await Promise.all(others.map((o) => migrateToLatest(o)));
      expect(ran).toEqual([[], []]);
    } finally {
      await Promise.all(others.map((o) => o.destroy()));
    }
  });

  it('refuse a blocked self-block and duplicate handles in any case', async () => {
    const users = createUserRepository(db);
    expect(await users.insertUser({ handle: 'SCHEMA_OWNER', email: null, passwordHash: 'x' })).toBeNull();
    await expect(sql`insert into blocks (blocker_id, blocked_id) values (${ownerId}, ${ownerId})`.execute(db)).rejects.toThrow(/check/);
  });
});
