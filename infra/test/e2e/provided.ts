// What the e2e global setup hands to every browser test file.
import type { Seed } from './seed.ts';

export interface E2ePlatform {
  webUrl: string;
  apiUrl: string;
  seed: Seed;
  /** A short generated clip Chromium plays as its fake camera (y4m). */
  fakeCameraPath: string;
  /** A small MP4 for upload-from-file tests. */
  sampleClipPath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2ePlatform;
  }
}
