// Per-day rules of the feed: what "today" is, the daily-limit counter key, and the seed that picks a fallback
// affirmation deterministically for a day.
import { createHash } from 'node:crypto';

/** Today as a calendar date in UTC (YYYY-MM-DD): the day the affirmation and the daily limit belong to. */
export function utcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Redis key counting feed items served to a user on a day (the client adds the deployment's key prefix). */
export function servedCounterKey(userId: string, day: string): string {
  return `feed:served:${userId}:${day}`;
}

/** The counter outlives its day a little, so a late request never resets it; then it expires. */
export const SERVED_COUNTER_TTL_SECONDS = 2 * 86_400;

/**
 * A uuid-shaped point derived from the day: the fallback affirmation is the first published affirmation whose id
 * is at or after it (wrapping around), so every replica picks the same video all day without storing anything.
 */
export function affirmationSeed(day: string): string {
  const hex = createHash('sha256').update(`onward/affirmation/${day}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
