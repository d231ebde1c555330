export * from './account-rules.ts';
export * from './categories.ts';
export * from './errors.ts';
export * from './roles.ts';
export * from './video-status.ts';
export * from './video-metadata.ts';
export * from './milestones.ts';
export * from './crisis-resources.ts';
