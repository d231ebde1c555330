// The daily limit's counter: one atomic Redis step per feed page reads what the viewer was served today, grants
// at most what the limit leaves, and counts what it granted. One round trip, and two pages requested at the same
// moment cannot both pass the limit.
import type { Redis } from 'ioredis';
import { SERVED_COUNTER_TTL_SECONDS, servedCounterKey } from './daily.ts';

// KEYS[1] counter; ARGV: wanted, daily limit (-1: none), ttl seconds. Returns { served before, granted }.
const GRANT_SCRIPT = `
local served = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local granted = wanted
if limit >= 0 then granted = math.max(0, math.min(wanted, limit - served)) end
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return { served, granted }`;

export interface Grant {
  /** Items the page may carry now. */
  granted: number;
  /** The daily limit was already used up before this page: answer with the caught-up card. */
  limitReached: boolean;
}

type WithGrant = Redis & { feedGrant(key: string, wanted: number, limit: number, ttl: number): Promise<[number, number]> };

export function createServedCounter(redis: Redis) {
  return {
    /** Counted for every member, so a limit set mid-day includes what was already watched today. */
    async grant(userId: string, day: string, wanted: number, dailyLimit: number | null): Promise<Grant> {
      if (!('feedGrant' in redis)) redis.defineCommand('feedGrant', { numberOfKeys: 1, lua: GRANT_SCRIPT });
      const [served, granted] = await (redis as WithGrant).feedGrant(
        servedCounterKey(userId, day),
        wanted,
        dailyLimit ?? -1,
        SERVED_COUNTER_TTL_SECONDS,
      );
      return { granted, limitReached: dailyLimit !== null && served >= dailyLimit };
    },
  };
}
