import { describe, expect, it } from 'vitest';
import { affirmationSeed, allowanceToday, servedCounterKey, utcDay } from './daily.ts';

describe('daily feed rules', () => {
  it('uses the UTC calendar day', () => {
    expect(utcDay(new Date('2026-11-22T23:59:59Z'))).toBe('2026-11-22');
    expect(servedCounterKey('u1', '2026-11-22')).toBe('feed:served:u1:2026-11-22');
  });

  it('trims a page to what is left of the daily limit', () => {
    expect(allowanceToday(null, 1000, 20)).toBe(20);
    expect(allowanceToday(10, 0, 20)).toBe(10);
    expect(allowanceToday(10, 7, 20)).toBe(3);
    expect(allowanceToday(10, 10, 20)).toBe(0);
    expect(allowanceToday(10, 12, 20)).toBe(0);
  });

  it('derives a stable uuid-shaped seed per day', () => {
    expect(affirmationSeed('2026-11-22')).toBe(affirmationSeed('2026-11-22'));
    expect(affirmationSeed('2026-11-22')).not.toBe(affirmationSeed('2026-11-23'));
    expect(affirmationSeed('2026-11-22')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
