import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { assertTransition, canTransition, VIDEO_STATUSES, VIDEO_TRANSITIONS, videoTransitionPairs } from './video-status.ts';

describe('video state machine', () => {
  it('follows the documented flow', () => {
    expect(canTransition('processing', 'in_review')).toBe(true);
    expect(canTransition('in_review', 'published')).toBe(true);
    expect(canTransition('published', 'removed')).toBe(true);
  });
  it('refuses to publish what was not reviewed, or to revive terminal states', () => {
    expect(canTransition('processing', 'published')).toBe(false);
    expect(canTransition('failed', 'published')).toBe(false);
    expect(canTransition('rejected', 'published')).toBe(false);
    expect(canTransition('removed', 'published')).toBe(false);
    expect(() => assertTransition('failed', 'published')).toThrow(AppError);
  });
  it('names only known states', () => {
    for (const [from, to] of videoTransitionPairs()) {
      expect(VIDEO_STATUSES).toContain(from);
      expect(VIDEO_STATUSES).toContain(to);
      expect(from).not.toBe(to);
    }
    expect(Object.keys(VIDEO_TRANSITIONS).sort()).toEqual([...VIDEO_STATUSES].sort());
  });
});
