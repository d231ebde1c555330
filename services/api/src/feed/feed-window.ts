// The first page of the feed is the same for everyone until each viewer's blocks and hidden warnings are applied.
// So each process keeps the first WINDOW rows of each feed (whole feed, or one category) for a few seconds and cuts
// a viewer's page from them in memory; deeper pages, and viewers whose filters empty the window, go to SQL.
import type { Category } from '@onward/domain';
import type { FeedRow } from '@onward/db';

/** Rows kept per feed: enough for a first page after a heavy set of blocks and hidden warnings. */
export const FEED_WINDOW = 120;

export interface ViewerFilter {
  hiddenCreators: ReadonlySet<string>;
  hiddenWarnings: ReadonlySet<string>;
}

export function visibleTo(row: FeedRow, filter: ViewerFilter | null): boolean {
  if (!filter) return true;
  return !filter.hiddenCreators.has(row.owner_id) && !row.content_warnings.some((w) => filter.hiddenWarnings.has(w));
}

/**
 * The first `take` rows of the window this viewer may see, or null when the window cannot answer (it was full and
 * the filters left fewer than `take` rows: more may follow in the database).
 */
export function cutFirstPage(window: readonly FeedRow[], filter: ViewerFilter | null, take: number): FeedRow[] | null {
  const page: FeedRow[] = [];
  for (const row of window) {
    if (!visibleTo(row, filter)) continue;
    page.push(row);
    if (page.length === take) return page;
  }
  return window.length < FEED_WINDOW ? page : null;
}

/** A per-process cache: each key is loaded at most once per `ttlMs`, and concurrent misses share one load. */
export function createShortCache<K, V>(load: (key: K) => Promise<V>, ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<K, { until: number; value: Promise<V> }>();
  return {
    get(key: K): Promise<V> {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      const value = load(key);
      entries.set(key, { until: now() + ttlMs, value });
      value.catch(() => entries.delete(key));
      return value;
    },
  };
}

export type FeedWindowKey = Category | null;
