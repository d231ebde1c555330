// What the feed says when there is nothing more today: no infinite scroll, a gentle stop, and help at hand.
import type { CrisisResource } from '@onward/domain';

export const END_OF_FEED_MESSAGE =
  "You're all caught up. That's everything for now, so maybe take a breath, drink some water, or reach out to someone in your corner.";

export const DAILY_LIMIT_MESSAGE =
  "You've reached the daily limit you set for yourself. Well done for sticking to it. The feed will be here tomorrow.";

export function endOfFeed() {
  return { caughtUp: true, reason: 'end_of_feed' as const, message: END_OF_FEED_MESSAGE };
}

export function dailyLimitReached(crisis: CrisisResource[]) {
  return {
    items: [],
    nextCursor: null,
    caughtUp: true,
    reason: 'daily_limit' as const,
    message: DAILY_LIMIT_MESSAGE,
    support: {
      message: 'If today is heavy, you do not have to carry it alone. Support is free, confidential and there 24/7.',
      helpUrl: '/help',
      crisis,
    },
  };
}
