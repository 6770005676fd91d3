// Browser end-to-end tests (`npm run test:e2e`): the whole local stack (scripts/local-stack.ts) on
// free ports with its own state folder, driven through the playground in Debian's Chromium with
// playwright-core. Node environment, one file at a time, long timeouts. Not part of `npm test`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['./test/e2e/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A failed step leaves later steps of the same journey meaningless; no retries hide flakiness.
    bail: 0,
    retry: 0,
  },
});
