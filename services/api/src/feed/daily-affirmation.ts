// Today's affirmation for a viewer. Which video it is changes at most a few times a day (a reviewer's pick), so the
// choice is remembered for a short while per process; whether it is still published, and whether this viewer's
// blocks and hidden warnings allow it, is checked on every request.
import type { FeedRepository, FeedRow, FeedViewer } from '@onward/db';
import { affirmationSeed } from './daily.ts';

/** How long a process trusts its remembered choice: a reviewer's new pick shows within this. */
export const AFFIRMATION_CHOICE_TTL_MS = 30_000;

export function createDailyAffirmation(
  feed: Pick<FeedRepository, 'findAffirmationChoice' | 'findFeedItem'>,
  now: () => number = Date.now,
) {
  let remembered: { day: string; id: string | null; until: number } | null = null;

  async function choose(day: string, fresh: boolean): Promise<string | null> {
    if (!fresh && remembered && remembered.day === day && remembered.until > now()) return remembered.id;
    const id = await feed.findAffirmationChoice(day, affirmationSeed(day));
    remembered = { day, id, until: now() + AFFIRMATION_CHOICE_TTL_MS };
    return id;
  }

  return {
    async forViewer(day: string, viewer: FeedViewer | null): Promise<FeedRow | null> {
      const id = await choose(day, false);
      if (!id) return null;
      let row = await feed.findFeedItem(id, viewer);
      if (!row) {
        // The remembered video is no longer published (unpublished or removed): choose again at once.
        const again = await choose(day, true);
        row = again && again !== id ? await feed.findFeedItem(again, viewer) : null;
      }
      return row?.visible ? row : null;
    },
  };
}
