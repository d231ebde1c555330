import { randomUUID } from 'node:crypto';
import { CATEGORIES, type Category } from '@onward/domain';
import { describe, expect, it } from 'vitest';
import { compareFeedKeys, type FeedKey, keyInBranch, keysetBranches } from './ordering.ts';

function randomKeys(n: number, category?: Category): FeedKey[] {
  return Array.from({ length: n }, (_, i) => ({
    featured: i % 7 === 0,
    // Few distinct slots so ties across categories (the interleaving) and nulls are common.
    slot: i % 11 === 0 ? null : String(1 + (i % 5) * 9),
    category: category ?? (CATEGORIES[i % CATEGORIES.length] as Category),
    id: randomUUID(),
  }));
}

describe('feed order', () => {
  it('puts featured first, then the newest slot, then interleaves categories round-robin', () => {
    const keys: FeedKey[] = [
      { featured: false, slot: '2', category: 'motivation', id: '00000000-0000-4000-8000-000000000001' },
      { featured: false, slot: '2', category: 'education', id: '00000000-0000-4000-8000-000000000002' },
      { featured: false, slot: '1', category: 'education', id: '00000000-0000-4000-8000-000000000003' },
      { featured: false, slot: '1', category: 'motivation', id: '00000000-0000-4000-8000-000000000004' },
      { featured: true, slot: '1', category: 'milestone', id: '00000000-0000-4000-8000-000000000005' },
      { featured: false, slot: '10', category: 'affirmation', id: '00000000-0000-4000-8000-000000000006' },
    ];
    const order = [...keys].sort((a, b) => compareFeedKeys(a, b)).map((k) => `${k.featured ? 'F' : ''}${k.category}:${k.slot}`);
    expect(order).toEqual(['Fmilestone:1', 'affirmation:10', 'education:2', 'motivation:2', 'education:1', 'motivation:1']);
  });

  it('compares slots as numbers, not text', () => {
    const a: FeedKey = { featured: false, slot: '9', category: 'milestone', id: randomUUID() };
    const b: FeedKey = { featured: false, slot: '10', category: 'milestone', id: randomUUID() };
    expect(compareFeedKeys(b, a)).toBeLessThan(0);
  });

  it.each([false, true])('the branches after any key cover exactly the keys after it (category fixed: %s)', (fixed) => {
    const keys = randomKeys(300, fixed ? 'education' : undefined).sort((a, b) => compareFeedKeys(a, b, fixed));
    for (let i = 0; i < keys.length; i++) {
      const cursor = keys[i] as FeedKey;
      const branches = keysetBranches(cursor, fixed);
      const after = keys.filter((k) => branches.some((b) => keyInBranch(k, b)));
      expect(after).toEqual(keys.slice(i + 1));
      // Branches are disjoint and in order: concatenating them keeps the feed order.
      const concatenated = branches.flatMap((b) => keys.filter((k) => keyInBranch(k, b)));
      expect(concatenated).toEqual(keys.slice(i + 1));
    }
  });

  it('starts the first page with one unrestricted range', () => {
    expect(keysetBranches(null, false)).toEqual([{ featured: null, slot: null, category: null, idAfter: null }]);
  });
});
