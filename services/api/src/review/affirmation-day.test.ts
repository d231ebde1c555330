import { describe, expect, it } from 'vitest';
import { assertPickableDay } from './affirmation-day.ts';

const now = new Date('2026-03-01T23:59:00Z');

describe('assertPickableDay', () => {
  it('accepts today up to 60 days ahead (UTC)', () => {
    expect(assertPickableDay('2026-03-01', now)).toBe('2026-03-01');
    expect(assertPickableDay('2026-04-30', now)).toBe('2026-04-30');
  });

  it.each([
    ['2026-02-28', 'day_out_of_range'],
    ['2026-05-01', 'day_out_of_range'],
    ['2026-02-30', 'invalid_day'],
    ['2026-3-01', 'invalid_day'],
    ['', 'invalid_day'],
  ])('refuses %s', (day, code) => {
    expect(() => assertPickableDay(day, now)).toThrow(expect.objectContaining({ status: 400, code }));
  });
});
