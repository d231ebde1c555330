// What a clip is about; the feed's tabs.
export const CATEGORIES = ['motivation', 'education', 'milestone', 'affirmation'] as const;
export type Category = (typeof CATEGORIES)[number];
