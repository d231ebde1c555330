// Sobriety milestones: the named days members celebrate. A milestone video carries its number of days.
export interface Milestone {
  days: number;
  label: string;
}

const NAMED: readonly Milestone[] = [
  { days: 1, label: '24 hours' },
  { days: 7, label: '1 week' },
  { days: 30, label: '30 days' },
  { days: 60, label: '60 days' },
  { days: 90, label: '90 days' },
  { days: 182, label: '6 months' },
  { days: 273, label: '9 months' },
  { days: 365, label: '1 year' },
];

/** The label for a number of days sober: a named milestone, "N years" on anniversaries, otherwise "N days". */
export function milestoneLabel(days: number): string {
  const named = NAMED.find((m) => m.days === days);
  if (named) return named.label;
  if (days > 365 && days % 365 === 0) return `${days / 365} years`;
  return days === 1 ? '1 day' : `${days} days`;
}

/** Days sober on `today` for a sobriety date (both calendar dates, no time zone games). */
export function daysSober(sobrietyDate: string, today: string): number {
  const start = Date.parse(`${sobrietyDate}T00:00:00Z`);
  const end = Date.parse(`${today}T00:00:00Z`);
  return Math.max(0, Math.round((end - start) / 86_400_000));
}

/** The next named milestone (or anniversary) after `days`. */
export function nextMilestone(days: number): Milestone {
  const named = NAMED.find((m) => m.days > days);
  if (named) return named;
  const years = Math.floor(days / 365) + 1;
  return { days: years * 365, label: `${years} years` };
}
