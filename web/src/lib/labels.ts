// The words people see for the API's names: categories, content warnings, reactions, statuses, roles.
import type { OwnerVideo } from './api/client.ts';

export const CATEGORIES = [
  { value: 'motivation', label: 'Motivation' },
  { value: 'education', label: 'Education' },
  { value: 'milestone', label: 'Milestones' },
  { value: 'affirmation', label: 'Affirmation of the day' },
] as const;
export type Category = (typeof CATEGORIES)[number]['value'];

export const CONTENT_WARNINGS = [
  { value: 'substance_use', label: 'Substance use' },
  { value: 'relapse', label: 'Relapse' },
  { value: 'grief', label: 'Grief' },
  { value: 'self_harm', label: 'Self-harm' },
  { value: 'violence', label: 'Violence' },
  { value: 'strong_language', label: 'Strong language' },
  { value: 'medical', label: 'Medical' },
] as const;
export type ContentWarning = (typeof CONTENT_WARNINGS)[number]['value'];

export const REACTIONS = [
  { value: 'proud_of_you', label: 'Proud of you', short: 'Proud' },
  { value: 'same_here', label: 'Same here', short: 'Same' },
  { value: 'thank_you', label: 'Thank you', short: 'Thanks' },
  { value: 'sending_strength', label: 'Sending strength', short: 'Strength' },
] as const;

export const REPORT_REASONS = [
  { value: 'crisis', label: 'Someone may be in danger' },
  { value: 'no_consent', label: 'Shows someone who did not agree to be filmed' },
  { value: 'promotes_drug_use', label: 'Promotes drug or alcohol use' },
  { value: 'harassment', label: 'Harassment or hate' },
  { value: 'other', label: 'Something else' },
] as const;

/** Every status the API may answer has its words (the type makes a new status a compile error here). */
export const STATUS_LABELS: Record<OwnerVideo['status'], string> = {
  processing: 'Processing',
  // the clip waits for its owner to say which found face (if any) is theirs
  awaiting_faces: 'Choose faces',
  in_review: 'In review',
  published: 'Published',
  failed: 'Failed',
  rejected: 'Not approved',
  changes_requested: 'Changes requested',
  removed: 'Removed',
};

export const MILESTONE_DAYS = [1, 7, 14, 30, 60, 90, 180, 365, 730, 1095, 1825, 3650] as const;

function labelOf(list: readonly { value: string; label: string }[], value: string): string {
  return list.find((item) => item.value === value)?.label ?? value.replaceAll('_', ' ');
}

export const categoryLabel = (value: string) => labelOf(CATEGORIES, value);
export const warningLabel = (value: string) => labelOf(CONTENT_WARNINGS, value);
export const reasonLabel = (value: string) => labelOf(REPORT_REASONS, value);

/** "1 day", "90 days", "1 year", "2 years". */
export function milestoneLabel(days: number): string {
  if (days >= 365 && days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  return days === 1 ? '1 day' : `${days} days`;
}

/** The milestone a member is at or has just passed, from their days sober (null before day 1). */
export function currentMilestone(daysSober: number | null): number | null {
  if (daysSober === null || daysSober < 1) return null;
  let reached: number | null = null;
  for (const days of MILESTONE_DAYS) if (days <= daysSober) reached = days;
  return reached;
}

export function isReviewer(role: string | undefined): boolean {
  return role === 'reviewer' || role === 'admin';
}
