// The daily-limit counter against the real Redis: trims pages to what the limit leaves, counts everything, and
// stays exact when pages are requested at the same moment.
import { createTestEnvironment, type TestEnvironment } from '@onward/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedCounterKey } from '../src/feed/daily.ts';
import { createServedCounter } from '../src/feed/served-counter.ts';

let env: TestEnvironment;
let redis: Redis;

beforeAll(async () => {
  env = await createTestEnvironment();
  redis = new Redis(env.config.redis.url, { keyPrefix: `${env.config.redis.prefix}:` });
});
afterAll(async () => {
  redis?.disconnect();
  await env?.close();
});

describe('served counter', () => {
  it('trims a page to what is left of the daily limit and says when nothing was left', async () => {
    const counter = createServedCounter(redis);
    expect(await counter.grant('u1', '2026-11-22', 20, null)).toEqual({ granted: 20, limitReached: false });
    expect(await counter.grant('u2', '2026-11-22', 20, 10)).toEqual({ granted: 10, limitReached: false });
    expect(await counter.grant('u3', '2026-11-22', 7, 10)).toEqual({ granted: 7, limitReached: false });
    expect(await counter.grant('u3', '2026-11-22', 20, 10)).toEqual({ granted: 3, limitReached: false });
    expect(await counter.grant('u3', '2026-11-22', 20, 10)).toEqual({ granted: 0, limitReached: true });
    // A limit set mid-day counts what was already served without one.
    expect(await counter.grant('u1', '2026-11-22', 20, 30)).toEqual({ granted: 10, limitReached: false });
    expect(await counter.grant('u1', '2026-11-22', 5, 30)).toEqual({ granted: 0, limitReached: true });
    // An empty page grants nothing and is not the limit.
    expect(await counter.grant('u4', '2026-11-22', 0, 10)).toEqual({ granted: 0, limitReached: false });
  });

  it('counts per day, under the deployment prefix, with an expiry', async () => {
    const counter = createServedCounter(redis);
    await counter.grant('u5', '2026-11-22', 4, null);
    await counter.grant('u5', '2026-11-23', 6, null);
    expect(await redis.get(servedCounterKey('u5', '2026-11-22'))).toBe('4');
    expect(await redis.get(servedCounterKey('u5', '2026-11-23'))).toBe('6');
    const plain = new Redis(env.config.redis.url);
    try {
      expect(await plain.ttl(`${env.config.redis.prefix}:${servedCounterKey('u5', '2026-11-22')}`)).toBeGreaterThan(86_400);
    } finally {
      plain.disconnect();
    }
  });

  it('never lets concurrent pages pass the limit together', async () => {
    const counter = createServedCounter(redis);
    const grants = await Promise.all(Array.from({ length: 12 }, () => counter.grant('u6', '2026-11-22', 3, 10)));
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(10);
    expect(await redis.get(servedCounterKey('u6', '2026-11-22'))).toBe('10');
  });
});
