import { describe, expect, it } from 'vitest';
import { daysSober, milestoneLabel, nextMilestone } from './milestones.ts';

describe('milestones', () => {
  it('names the days members celebrate', () => {
    expect(milestoneLabel(1)).toBe('24 hours');
    expect(milestoneLabel(30)).toBe('30 days');
    expect(milestoneLabel(182)).toBe('6 months');
    expect(milestoneLabel(365)).toBe('1 year');
    expect(milestoneLabel(730)).toBe('2 years');
    expect(milestoneLabel(45)).toBe('45 days');
  });
  it('counts days sober across month and leap-year boundaries', () => {
    expect(daysSober('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysSober('2026-11-22', '2026-11-22')).toBe(0);
    expect(daysSober('2027-01-01', '2026-11-22')).toBe(0);
  });
  it('finds the next milestone', () => {
    expect(nextMilestone(0)).toEqual({ days: 1, label: '24 hours' });
    expect(nextMilestone(90)).toEqual({ days: 182, label: '6 months' });
    expect(nextMilestone(400)).toEqual({ days: 730, label: '2 years' });
  });
});
