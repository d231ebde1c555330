import { describe, expect, it } from 'vitest';
import { affirmationSeed, servedCounterKey, utcDay } from './daily.ts';

describe('daily feed rules', () => {
  it('uses the UTC calendar day', () => {
    expect(utcDay(new Date('2026-11-22T23:59:59Z'))).toBe('2026-11-22');
    expect(servedCounterKey('u1', '2026-11-22')).toBe('feed:served:u1:2026-11-22');
  });

  it('derives a stable uuid-shaped seed per day', () => {
    expect(affirmationSeed('2026-11-22')).toBe(affirmationSeed('2026-11-22'));
    expect(affirmationSeed('2026-11-22')).not.toBe(affirmationSeed('2026-11-23'));
    expect(affirmationSeed('2026-11-22')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
