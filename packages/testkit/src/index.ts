export type { ProvidedS3 } from './provided.ts';
export { createTestEnvironment, type TestEnvironment } from './test-environment.ts';
