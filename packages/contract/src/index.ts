export * from './accounts.ts';
export * from './common.ts';
export * from './health.ts';
export * from './videos.ts';
export * from './feed.ts';
export * from './review.ts';
export * from './playback.ts';
