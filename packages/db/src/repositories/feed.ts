// The curated feed: one keyset page in curated order with the viewer's blocks and hidden warnings applied in SQL,
// and today's affirmation (the reviewers' pick, else a deterministic fallback).
import type { Category } from '@onward/domain';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../connection.ts';

/** One range of the feed keyset (see services/api/src/feed/ordering.ts); every field is ANDed, null = any. */
export interface FeedBranch {
  featured: boolean | null;
  slot: { op: '=' | '<'; value: string } | { op: 'is null' | 'is not null' } | null;
  category: { op: '=' | '>'; value: Category } | null;
  idAfter: string | null;
}

export interface FeedViewer {
  id: string;
}

export interface FeedPageQuery {
  /** Filter to one category (the order then runs within it), or null for the whole feed. */
  category: Category | null;
  /** Ranges after the cursor, in order; a single "any" range for the first page. */
  branches: readonly FeedBranch[];
  limit: number;
  viewer: FeedViewer | null;
}

export interface FeedRow {
  id: string;
  owner_id: string;
  featured: boolean;
  feed_slot: string | null;
  category: Category;
  title: string;
  description: string;
  milestone_days: number | null;
  content_warnings: string[];
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  published_at: Date;
  handle: string;
  verified_professional: boolean;
  /** The creator's sobriety date as text, only when they chose to share it (never sent as a date). */
  shared_sobriety_date: string | null;
  my_reactions: string[] | null;
}

const VIDEO_COLUMNS = sql.raw(
  'v.id, v.owner_id, v.featured, v.feed_slot, v.category, v.title, v.description, v.milestone_days, ' +
    'v.content_warnings, v.duration_ms, v.width, v.height, v.published_at',
);

/** Feed order; it matches videos_feed_idx, or videos_feed_category_idx when the category is fixed. */
const orderBy = (categoryFixed: boolean, alias: string) =>
  sql.raw(
    categoryFixed
      ? `${alias}.featured desc, ${alias}.feed_slot desc, ${alias}.id`
      : `${alias}.featured desc, ${alias}.feed_slot desc, ${alias}.category, ${alias}.id`,
  );

/** What a viewer never sees: creators they blocked, creators who blocked them, warnings they chose to hide. */
function viewerFilters(viewer: FeedViewer | null): RawBuilder<unknown>[] {
  if (!viewer) return [];
  const filters: RawBuilder<unknown>[] = [
    sql`not exists (select 1 from blocks b where b.blocker_id = ${viewer.id} and b.blocked_id = v.owner_id)`,
    sql`not exists (select 1 from blocks b where b.blocker_id = v.owner_id and b.blocked_id = ${viewer.id})`,
  ];
  // Read in the same statement (an InitPlan, evaluated once), so the page needs no earlier round trip.
  filters.push(sql`not (v.content_warnings && (select hw.hidden_warnings from users hw where hw.id = ${viewer.id}))`);
  return filters;
}

function branchFilters(branch: FeedBranch): RawBuilder<unknown>[] {
  const filters: RawBuilder<unknown>[] = [];
  if (branch.featured !== null) filters.push(sql`v.featured = ${branch.featured}`);
  const slot = branch.slot;
  if (slot?.op === 'is null') filters.push(sql`v.feed_slot is null`);
  else if (slot?.op === 'is not null') filters.push(sql`v.feed_slot is not null`);
  else if (slot?.op === '=') filters.push(sql`v.feed_slot = ${slot.value}::bigint`);
  else if (slot?.op === '<') filters.push(sql`v.feed_slot < ${slot.value}::bigint`);
  if (branch.category?.op === '=') filters.push(sql`v.category = ${branch.category.value}`);
  else if (branch.category?.op === '>') filters.push(sql`v.category > ${branch.category.value}`);
  if (branch.idAfter !== null) filters.push(sql`v.id > ${branch.idAfter}::uuid`);
  return filters;
}

/** Columns of a feed item: the creator's public profile and, for a logged-in viewer, their own reactions. */
function itemColumns(viewer: FeedViewer | null) {
  return sql`k.id, k.owner_id, k.featured, k.feed_slot::text as feed_slot, k.category, k.title, k.description, k.milestone_days,
    k.content_warnings, k.duration_ms, k.width, k.height, k.published_at, u.handle, u.verified_professional,
    case when u.share_sobriety_date then u.sobriety_date::text end as shared_sobriety_date,
    ${
      viewer
        ? sql`(select array_agg(r.kind order by r.kind) from reactions r where r.video_id = k.id and r.user_id = ${viewer.id})`
        : sql`null::text[]`
    } as my_reactions`;
}

/** The feed page as one statement (exported so the benchmark can EXPLAIN exactly what the API runs). */
export function feedPageSql(query: FeedPageQuery) {
  const categoryFixed = query.category !== null;
  const branchSql = query.branches.map((branch) => {
    const filters = [
      sql`v.status = 'published'`,
      ...(query.category ? [sql`v.category = ${query.category}`] : []),
      ...branchFilters(branch),
      ...viewerFilters(query.viewer),
    ];
    return sql`(select ${VIDEO_COLUMNS} from videos v where ${sql.join(filters, sql` and `)}
      order by ${orderBy(categoryFixed, 'v')} limit ${query.limit})`;
  });
  return sql<FeedRow>`select ${itemColumns(query.viewer)}
    from (${sql.join(branchSql, sql` union all `)}) k
    join users u on u.id = k.owner_id
    order by ${orderBy(categoryFixed, 'k')}
    limit ${query.limit}`;
}

/**
 * Which video is the affirmation of `day`: the reviewers' pick while it is published, else the first published
 * affirmation at or after `seed` in id order (wrapping around), so every replica picks the same one all day.
 */
export function affirmationChoiceSql(day: string, seed: string) {
  return sql<{ id: string | null }>`select coalesce(
    (select d.video_id from daily_affirmations d join videos pv on pv.id = d.video_id
      where d.day = ${day}::date and pv.status = 'published'),
    (select a.id from videos a where a.status = 'published' and a.category = 'affirmation' and a.id >= ${seed}::uuid
      order by a.id limit 1),
    (select a.id from videos a where a.status = 'published' and a.category = 'affirmation' order by a.id limit 1)
  ) as id`;
}

/** One published video as a feed item; `visible` says whether this viewer's blocks and hidden warnings allow it. */
export function feedItemSql(videoId: string, viewer: FeedViewer | null) {
  const filters = viewerFilters(viewer);
  return sql<FeedRow & { visible: boolean }>`select ${itemColumns(viewer)}, k.visible
    from (select ${VIDEO_COLUMNS}, ${filters.length > 0 ? sql.join(filters, sql` and `) : sql`true`} as visible
      from videos v where v.id = ${videoId}::uuid and v.status = 'published') k
    join users u on u.id = k.owner_id`;
}

export function createFeedRepository(db: Db) {
  return {
    /** Up to `limit` published videos after the cursor, in curated order. */
    async findFeedPage(query: FeedPageQuery): Promise<FeedRow[]> {
      const { rows } = await feedPageSql(query).execute(db);
      return rows;
    },

    async findAffirmationChoice(day: string, seed: string): Promise<string | null> {
      const { rows } = await affirmationChoiceSql(day, seed).execute(db);
      return rows[0]?.id ?? null;
    },

    async findFeedItem(videoId: string, viewer: FeedViewer | null) {
      const { rows } = await feedItemSql(videoId, viewer).execute(db);
      return rows[0] ?? null;
    },

    /**
     * What cutting a viewer's page from the shared window needs, in one statement: the daily limit, hidden
     * warnings, every creator hidden by a block either way, and the viewer's own reactions on `videoIds`.
     */
    async findViewerFeedState(userId: string, videoIds: readonly string[]) {
      const { rows } = await sql<{
        daily_feed_limit: number | null;
        hidden_warnings: string[];
        hidden_creators: string[];
        reactions: Record<string, string[]>;
      }>`select u.daily_feed_limit, u.hidden_warnings,
          array(select b.blocked_id from blocks b where b.blocker_id = u.id
                union select b.blocker_id from blocks b where b.blocked_id = u.id) as hidden_creators,
          coalesce((select json_object_agg(x.video_id, x.kinds) from (
            select r.video_id, array_agg(r.kind order by r.kind) as kinds from reactions r
            where r.user_id = u.id and r.video_id = any(${[...videoIds]}::uuid[]) group by r.video_id) x), '{}') as reactions
        from users u where u.id = ${userId}`.execute(db);
      return rows[0] ?? null;
    },

    /** The viewer's daily feed limit (null: none). */
    async findDailyFeedLimit(userId: string) {
      return db
        .selectFrom('users')
        .select(['daily_feed_limit'])
        .where('id', '=', userId)
        .executeTakeFirst();
    },
  };
}

export type FeedRepository = ReturnType<typeof createFeedRepository>;
