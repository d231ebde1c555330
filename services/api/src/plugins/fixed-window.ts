// Fixed-window counters in Redis, shared by the throttles (log-in attempts, reports).
import type { Redis } from 'ioredis';

/** Counts one more event under `key` in a window of `windowSeconds` that starts with its first event. */
export async function countInWindow(redis: Redis, key: string, windowSeconds: number): Promise<number> {
  const [[, value] = []] = (await redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) ?? [];
  return Number(value);
}

/** Seconds until the window of `key` ends (at least 1), for Retry-After. */
export async function secondsLeft(redis: Redis, key: string): Promise<number> {
  return Math.max(1, await redis.ttl(key));
}
