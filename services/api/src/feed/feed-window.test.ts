import type { FeedRow } from '@onward/db';
import { describe, expect, it } from 'vitest';
import { createShortCache, cutFirstPage, FEED_WINDOW } from './feed-window.ts';

const row = (id: string, owner: string, warnings: string[] = []) => ({ id, owner_id: owner, content_warnings: warnings }) as FeedRow;

describe('cutFirstPage', () => {
  const window = [row('1', 'a'), row('2', 'b', ['grief']), row('3', 'c'), row('4', 'a'), row('5', 'b')];
  it('keeps the order and drops hidden creators and warnings', () => {
    const filter = { hiddenCreators: new Set(['a']), hiddenWarnings: new Set(['grief']) };
    expect(cutFirstPage(window, filter, 10)?.map((r) => r.id)).toEqual(['3', '5']);
    expect(cutFirstPage(window, null, 2)?.map((r) => r.id)).toEqual(['1', '2']);
  });
  it('answers null when a full window cannot fill the page (the database must)', () => {
    const full = Array.from({ length: FEED_WINDOW }, (_, i) => row(String(i), i % 2 ? 'a' : 'b'));
    expect(cutFirstPage(full, { hiddenCreators: new Set(['a']), hiddenWarnings: new Set() }, FEED_WINDOW)).toBeNull();
    expect(cutFirstPage(full, null, 21)).toHaveLength(21);
  });
});

describe('createShortCache', () => {
  it('loads once per TTL and shares concurrent misses', async () => {
    let now = 0;
    let loads = 0;
    const cache = createShortCache(async (k: string) => `${k}${++loads}`, 1000, () => now);
    expect(await Promise.all([cache.get('x'), cache.get('x')])).toEqual(['x1', 'x1']);
    now = 999;
    expect(await cache.get('x')).toBe('x1');
    now = 1000;
    expect(await cache.get('x')).toBe('x2');
  });
});
