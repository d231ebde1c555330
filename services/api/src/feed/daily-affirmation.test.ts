import type { FeedRow } from '@onward/db';
import { describe, expect, it } from 'vitest';
import { AFFIRMATION_CHOICE_TTL_MS, createDailyAffirmation } from './daily-affirmation.ts';

function fakeFeed(choice: { id: string | null }, published: Set<string>, visible = true) {
  const calls = { choose: 0, item: 0 };
  return {
    calls,
    feed: {
      async findAffirmationChoice() {
        calls.choose++;
        return choice.id;
      },
      async findFeedItem(id: string) {
        calls.item++;
        return published.has(id) ? ({ id, visible } as FeedRow & { visible: boolean }) : null;
      },
    },
  };
}

describe('daily affirmation', () => {
  it('remembers the choice for a while, per day, but checks the video on every request', async () => {
    let now = 0;
    const choice = { id: 'a' as string | null };
    const { feed, calls } = fakeFeed(choice, new Set(['a', 'b']));
    const daily = createDailyAffirmation(feed, () => now);
    expect((await daily.forViewer('2026-11-22', null))?.id).toBe('a');
    choice.id = 'b';
    expect((await daily.forViewer('2026-11-22', null))?.id).toBe('a');
    expect(calls).toEqual({ choose: 1, item: 2 });
    now += AFFIRMATION_CHOICE_TTL_MS + 1;
    expect((await daily.forViewer('2026-11-22', null))?.id).toBe('b');
    choice.id = 'a';
    expect((await daily.forViewer('2026-11-23', null))?.id).toBe('a');
  });

  it('chooses again at once when the remembered video is no longer published', async () => {
    const choice = { id: 'a' as string | null };
    const published = new Set(['a', 'b']);
    const { feed } = fakeFeed(choice, published);
    const daily = createDailyAffirmation(feed, () => 0);
    await daily.forViewer('2026-11-22', null);
    published.delete('a');
    choice.id = 'b';
    expect((await daily.forViewer('2026-11-22', null))?.id).toBe('b');
    published.delete('b');
    choice.id = null;
    expect(await daily.forViewer('2026-11-22', null)).toBeNull();
  });

  it('gives a viewer nothing when their blocks or hidden warnings exclude it', async () => {
    const { feed } = fakeFeed({ id: 'a' }, new Set(['a']), false);
    expect(await createDailyAffirmation(feed).forViewer('2026-11-22', { id: 'viewer' })).toBeNull();
  });
});
