// Which days a reviewer may pick the daily affirmation for: today (UTC) up to 60 days ahead.
import { badRequest } from '@onward/domain';

export const AFFIRMATION_DAYS_AHEAD = 60;
const DAY_MS = 86_400_000;

/** Validates a YYYY-MM-DD day against `now`; returns it unchanged. */
export function assertPickableDay(day: string, now: Date = new Date()): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw badRequest('invalid_day', 'The day must be a date written YYYY-MM-DD.');
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (time < today || time > today + AFFIRMATION_DAYS_AHEAD * DAY_MS) {
    throw badRequest('day_out_of_range', `Pick today or a day up to ${AFFIRMATION_DAYS_AHEAD} days ahead (UTC).`);
  }
  return day;
}
