// One vitest run, two projects: fast unit tests of pure code, and integration tests against the real
// Postgres, Redis, S3 emulator (over HTTP) and ffmpeg. Run from the repository root.
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
    ],
  },
});
