export * from './accounts.ts';
export * from './common.ts';
export * from './health.ts';
export * from './videos.ts';
