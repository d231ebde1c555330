import { VideoStatusName } from '@onward/contract';
import { describe, expect, it } from 'vitest';
import { STATUS_LABELS, categoryLabel, currentMilestone, isReviewer, milestoneLabel, warningLabel } from './labels.ts';

describe('labels', () => {
  it('names categories and warnings, and falls back to readable words for unknown ones', () => {
    expect(categoryLabel('affirmation')).toBe('Affirmation of the day');
    expect(warningLabel('self_harm')).toBe('Self-harm');
    expect(warningLabel('new_kind')).toBe('new kind');
  });

  it('has words for every video status of the API, the wait for the owner’s choice of faces too', () => {
    const statuses = VideoStatusName.anyOf.map((literal) => literal.const);
    expect(statuses).toContain('awaiting_faces');
    for (const status of statuses) expect(STATUS_LABELS[status], status).toMatch(/^[A-Z]/);
    expect(STATUS_LABELS.awaiting_faces).toBe('Choose faces');
  });

  it('says milestones as people say them', () => {
    expect(milestoneLabel(1)).toBe('1 day');
    expect(milestoneLabel(90)).toBe('90 days');
    expect(milestoneLabel(365)).toBe('1 year');
    expect(milestoneLabel(730)).toBe('2 years');
    expect(milestoneLabel(400)).toBe('400 days');
  });

  it('pre-fills the milestone just reached from days sober', () => {
    expect(currentMilestone(null)).toBeNull();
    expect(currentMilestone(0)).toBeNull();
    expect(currentMilestone(1)).toBe(1);
    expect(currentMilestone(95)).toBe(90);
    expect(currentMilestone(365)).toBe(365);
    expect(currentMilestone(100_000)).toBe(3650);
  });

  it('lets reviewers and admins into the review console, nobody else', () => {
    expect(isReviewer('reviewer')).toBe(true);
    expect(isReviewer('admin')).toBe(true);
    expect(isReviewer('member')).toBe(false);
    expect(isReviewer(undefined)).toBe(false);
  });
});
