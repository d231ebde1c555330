// Fixed-window login throttling in Redis: attempts per client IP, failures per handle.
// Keys hash the handle so Redis never holds a list of who tried to log in.
import { createHash } from 'node:crypto';
import { AppError } from '@onward/domain';
import type { Redis } from 'ioredis';
import { countInWindow, secondsLeft } from '../plugins/fixed-window.ts';

export interface ThrottleLimits {
  maxPerIp: number;
  maxFailuresPerHandle: number;
  windowSeconds: number;
}

const handleKey = (handle: string) =>
  `login:handle:${createHash('sha256').update(handle.toLowerCase()).digest('hex').slice(0, 32)}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

function tooMany(retryAfterSeconds: number) {
  return new AppError(429, 'too_many_attempts', 'Too many log-in attempts. Please wait a few minutes and try again.', {
    retryAfterSeconds,
  });
}

export function createLoginThrottle(redis: Redis, limits: ThrottleLimits) {
  const count = (key: string) => countInWindow(redis, key, limits.windowSeconds);
  const ttl = (key: string) => secondsLeft(redis, key);

  return {
    /** Counts this attempt against the IP and refuses when the IP or the handle is over its limit. */
    async beforeAttempt(ip: string, handle: string): Promise<void> {
      const attemptsFromIp = await count(ipKey(ip));
      if (attemptsFromIp > limits.maxPerIp) throw tooMany(await ttl(ipKey(ip)));
      const failures = Number((await redis.get(handleKey(handle))) ?? 0);
      if (failures >= limits.maxFailuresPerHandle) throw tooMany(await ttl(handleKey(handle)));
    },
    async recordFailure(handle: string): Promise<void> {
      await count(handleKey(handle));
    },
    async recordSuccess(handle: string): Promise<void> {
      await redis.del(handleKey(handle));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
