// Feed throughput: GET /feed as a logged-in viewer with 50 blocks, against a bare primary-key lookup measured in the
// same run, on a fresh database seeded with 10,000 users and 100,000 published videos. Prints both, their ratio
// and EXPLAIN ANALYZE of the feed query. Run: npx tsx bench/feed.ts [runs=3] [seconds=15]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadConfig } from '../packages/config/src/index.ts';
import { affirmationChoiceSql, type Db, type FeedPageQuery, feedItemSql, feedPageSql } from '../packages/db/src/index.ts';
import { createTemplateDatabase, dropDatabase } from '../packages/db/src/testing.ts';
import { newSessionToken, SESSION_COOKIE } from '../services/api/src/accounts/session-tokens.ts';
import { buildApp } from '../services/api/src/app.ts';
import { createDeps } from '../services/api/src/deps.ts';
import { affirmationSeed, utcDay } from '../services/api/src/feed/daily.ts';
import { keysetBranches } from '../services/api/src/feed/ordering.ts';
import { authPlugin } from '../services/api/src/plugins/auth.ts';
import { median } from './support/platform.ts';
import cookiePlugin from '@fastify/cookie';
import Fastify from 'fastify';
import { CompiledQuery, type RawBuilder, sql } from 'kysely';

const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 15);
const USERS = 10_000;
const VIDEOS = 100_000;
const CONNECTIONS = 50;

let lap = Date.now();
function step(what: string) {
  console.log(`  seeded ${what} in ${((Date.now() - lap) / 1000).toFixed(1)} s`);
  lap = Date.now();
}

async function seed(db: Db): Promise<{ viewerId: string; sampleVideoIds: string[] }> {
  await sql`
    insert into users (handle, password_hash, verified_professional)
    select 'bench_' || g, 'not-a-real-hash', g % 50 = 0 from generate_series(1, ${USERS}) g`.execute(db);
  step('users');

  // Seeding shortcut: the status trigger only admits INSERTs in `processing` and listed transitions, which is right
  // for the application but would make 100,000 rows cost three statements each. Replica mode skips triggers for
  // this one seeding connection only; every row still gets a state the state machine can reach.
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica`.execute(conn);
    await sql`
      with raw as materialized (
        select g,
          -- realistic mix: motivation 40%, education 25%, milestones 25%, affirmations 10%
          case when g % 20 < 8 then 'motivation' when g % 20 < 13 then 'education'
               when g % 20 < 18 then 'milestone' else 'affirmation' end as category,
          -- a power-law-ish spread of creators: low user numbers post much more
          1 + floor(power(random(), 2) * ${USERS})::int as owner_n,
          now() - make_interval(secs => (${VIDEOS} - g) * 60) as published_at
        from generate_series(1, ${VIDEOS}) g
      )
      insert into videos (id, owner_id, status, title, description, category, milestone_days, content_warnings,
        duration_ms, width, height, featured, feed_slot, created_at, updated_at, published_at)
      select gen_random_uuid(), u.id,
        'published', 'Clip ' || g, 'A short clip for the benchmark.', category,
        case when category = 'milestone' then (array[1, 7, 30, 60, 90, 182, 365, 730])[1 + g % 8] end,
        case when g % 10 = 0 then array['relapse'] when g % 37 = 0 then array['self_harm'] else '{}'::text[] end,
        15000 + (g % 40) * 1000, 720, 1280,
        g % 200 = 0,
        row_number() over (partition by category order by published_at),
        published_at, published_at, published_at
      from raw join users u on u.handle_normalized = 'bench_' || raw.owner_n`.execute(conn);
    // Some clips that must never show: in review and removed.
    await sql`
      insert into videos (id, owner_id, status, title, category, created_at, updated_at)
      select gen_random_uuid(), u.id,
        case when g % 2 = 0 then 'in_review' else 'removed' end, 'Hidden ' || g, 'motivation', now(), now()
      from generate_series(1, 2000) g join users u on u.handle_normalized = 'bench_' || (1 + g % ${USERS})`.execute(conn);
    await sql`set session_replication_role = origin`.execute(conn);
  });
  step('videos');

  const viewer = await db.selectFrom('users').select('id').where('handle', '=', 'bench_1').executeTakeFirstOrThrow();
  await db.updateTable('users').set({ hidden_warnings: ['self_harm'] }).where('id', '=', viewer.id).execute();
  // 50 blocks: the viewer blocked the 40 most prolific creators but one, and 10 others blocked the viewer.
  await sql`
    insert into blocks (blocker_id, blocked_id)
    select ${viewer.id}::uuid, id from users where handle in (select 'bench_' || g from generate_series(2, 41) g)`.execute(db);
  await sql`
    insert into blocks (blocker_id, blocked_id)
    select id, ${viewer.id}::uuid from users where handle in (select 'bench_' || g from generate_series(42, 51) g)`.execute(db);
  // Reactions, including some of the viewer's own (the feed shows the viewer's, never counts).
  await sql`
    insert into reactions (video_id, user_id, kind)
    select v.id, u.id, (array['proud_of_you', 'same_here', 'thank_you', 'sending_strength'])[1 + (v.n + u.n) % 4]
    from (select id, row_number() over (order by id) as n from videos where status = 'published' limit 20000) v
    join (select id, row_number() over (order by id) as n from users limit 10) u on true
    on conflict do nothing`.execute(db);
  await sql`
    insert into reactions (video_id, user_id, kind)
    select id, ${viewer.id}::uuid, 'proud_of_you' from videos where status = 'published' and featured
    on conflict do nothing`.execute(db);
  step('blocks and reactions');
  await sql`analyze`.execute(db);
  step('analyze');
  const sample = await db.selectFrom('videos').select('id').where('status', '=', 'published').limit(1000).execute();
  return { viewerId: viewer.id, sampleVideoIds: sample.map((r) => r.id) };
}

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}

const autocannonCli = join(createRequire(import.meta.url).resolve('autocannon/package.json'), '..', 'autocannon.js');

/** autocannon in its own process (on this Node 22), so load generation does not share the server's event loop. */
function cannon(url: string, cookie: string, seconds: number, connections = CONNECTIONS): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [autocannonCli, '-c', String(connections), '-d', String(seconds), '-j', '-H', `cookie=${cookie}`, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as CannonResult) : reject(new Error(`autocannon exited ${code}`))));
  });
}

async function explain(db: Db, query: FeedPageQuery | RawBuilder<unknown>, label: string) {
  const compiled = ('compile' in query ? query : feedPageSql(query)).compile(db);
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, buffers, costs off) ${compiled.sql}`, [...compiled.parameters]),
  );
  console.log(`\n--- EXPLAIN ANALYZE: ${label} ---`);
  for (const row of rows) console.log(row['QUERY PLAN']);
}

const database = await createTemplateDatabase(adminUrl);
const databaseUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: `onward_bench_feed_${process.pid}`,
  // The feed never touches storage; a placeholder endpoint keeps the embedded emulator out of the picture.
  S3_ENDPOINT: 'http://127.0.0.1:9',
});
const deps = createDeps(config);
const apps: Array<{ close(): Promise<unknown> }> = [];
let viewerIdForCleanup = '';
try {
  const started = Date.now();
  const { viewerId, sampleVideoIds } = await seed(deps.db);
  viewerIdForCleanup = viewerId;
  console.log(`seeded ${USERS} users, ${VIDEOS} published videos, 50 blocks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { token, tokenHash } = newSessionToken();
  await deps.sessions.insertSession({ userId: viewerId, tokenHash, expiresAt: new Date(Date.now() + 86_400_000) });
  const cookie = `${SESSION_COOKIE}=${token}`;

  const app = await buildApp(config, { deps });
  apps.push(app);
  const feedUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  // The baseline: the same Fastify set-up and session lookup, then one primary-key SELECT, serialised by a schema.
  const pk = Fastify({ logger: { level: 'warn' } });
  await pk.register(cookiePlugin);
  await pk.register(authPlugin, { deps });
  pk.get<{ Params: { id: string } }>(
    '/bench/pk/:id',
    {
      schema: {
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, category: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const row = await deps.db
        .selectFrom('videos')
        .select(['id', 'title', 'category'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      return row ?? reply.status(404).send();
    },
  );
  apps.push(pk);
  const pkUrl = await pk.listen({ host: '127.0.0.1', port: 0 });
  const pkTarget = `${pkUrl}/bench/pk/${sampleVideoIds[500]}`;

  const check = await app.inject({ method: 'GET', url: '/feed', headers: { cookie } });
  const body = check.json();
  console.log(`GET /feed: ${check.statusCode}, ${body.items.length} items, affirmation ${body.affirmation ? 'yes' : 'no'}, ${check.body.length} bytes`);

  console.log('warm-up');
  await cannon(`${feedUrl}/feed`, cookie, 3);
  await cannon(pkTarget, cookie, 3);

  const feedRuns: CannonResult[] = [];
  const pkRuns: CannonResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    // The viewer has no daily limit, so every request is a full first page with the day's affirmation.
    const f = await cannon(`${feedUrl}/feed`, cookie, SECONDS);
    const p = await cannon(pkTarget, cookie, SECONDS);
    feedRuns.push(f);
    pkRuns.push(p);
    console.log(
      `run ${run}: feed ${f.requests.average.toFixed(0)} req/s p99 ${f.latency.p99} ms (non-2xx ${f.non2xx}, errors ${f.errors}) | ` +
        `pk ${p.requests.average.toFixed(0)} req/s p99 ${p.latency.p99} ms (non-2xx ${p.non2xx}) | ratio ${((100 * f.requests.average) / p.requests.average).toFixed(0)}%`,
    );
  }
  const feedRps = median(feedRuns.map((r) => r.requests.average));
  const pkRps = median(pkRuns.map((r) => r.requests.average));
  const feedP99 = median(feedRuns.map((r) => r.latency.p99));
  const pkP99 = median(pkRuns.map((r) => r.latency.p99));
  console.log(`\nmedian of ${RUNS}: feed ${feedRps.toFixed(0)} req/s, p99 ${feedP99} ms | pk ${pkRps.toFixed(0)} req/s, p99 ${pkP99} ms`);
  console.log(`feed / pk throughput: ${((100 * feedRps) / pkRps).toFixed(0)}% (target >= 70%); feed p99 ${feedP99} ms (target < 50 ms)`);
  // Latency below saturation: at 50 connections p99 is mostly queueing (Little's law), so also measure at 5.
  const light = await cannon(`${feedUrl}/feed`, cookie, SECONDS, 5);
  const lightPk = await cannon(pkTarget, cookie, SECONDS, 5);
  console.log(
    `5 connections: feed ${light.requests.average.toFixed(0)} req/s p50 ${light.latency.p50} ms p99 ${light.latency.p99} ms | ` +
      `pk ${lightPk.requests.average.toFixed(0)} req/s p50 ${lightPk.latency.p50} ms p99 ${lightPk.latency.p99} ms`,
  );

  const viewer = { id: viewerId };
  await explain(deps.db, { category: null, branches: keysetBranches(null, false), limit: 21, viewer }, 'first page, logged-in viewer (50 blocks, 1 hidden warning)');
  // A deep page: continue after the 5,000th item, the keyset's worst case (four branches).
  const deep = await deps.db
    .selectFrom('videos')
    .select(['id', 'featured', sql<string>`feed_slot::text`.as('slot'), 'category'])
    .where('status', '=', 'published')
    .orderBy('featured', 'desc')
    .orderBy('feed_slot', 'desc')
    .orderBy('category')
    .orderBy('id')
    .offset(5000)
    .limit(1)
    .executeTakeFirstOrThrow();
  const after = { featured: deep.featured, slot: deep.slot, category: deep.category, id: deep.id };
  await explain(deps.db, { category: null, branches: keysetBranches(after, false), limit: 21, viewer }, 'page after item 5,000');
  const day = utcDay();
  await explain(deps.db, affirmationChoiceSql(day, affirmationSeed(day)), "choosing today's affirmation (remembered for 30 s per process)");
  const chosen = (await affirmationChoiceSql(day, affirmationSeed(day)).execute(deps.db)).rows[0]?.id ?? sampleVideoIds[0] ?? '';
  await explain(deps.db, feedItemSql(chosen, viewer), "today's affirmation as this viewer's feed item (every request)");
  await explain(deps.db, { category: 'education', branches: keysetBranches(null, true), limit: 21, viewer }, 'category=education, first page');
} finally {
  for (const app of apps) await app.close();
  await deps.redis.del(`feed:served:${viewerIdForCleanup}:${utcDay()}`).catch(() => {});
  await deps.close();
  await dropDatabase(adminUrl, database);
}
