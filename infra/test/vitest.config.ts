// One vitest run, three projects: fast unit tests of pure code, integration tests against the real
// Postgres, Redis, S3 emulator (over HTTP) and ffmpeg, and browser (e2e)
// tests in real Chromium against the whole platform. Run from the repository root.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exclude = ['**/node_modules/**', '**/.svelte-kit/**', '**/build/**'];

export default defineConfig({
  test: {
    root,
    projects: [
      {
        test: {
          name: 'unit',
          root,
          include: ['{packages,services,workers}/*/src/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude,
        },
      },
      {
        test: {
          name: 'integration',
          root,
          include: ['{packages,services,workers}/*/test/**/*.test.ts'],
          exclude,
          globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // 2 cores: ffmpeg-heavy files would starve each other if run all at once
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          root,
          include: ['web/test/**/*.test.ts'],
          exclude,
          // real Chromium against one shared platform (API, worker, web server), started once per run
          globalSetup: [fileURLToPath(new URL('./e2e/global-setup.ts', import.meta.url))],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
