// The Zendesk app's tests: components in jsdom with a stand-in ZAF client, plus the package
// validator (which opts into the node environment per file). Run from the repository root:
//   npx vitest run --config zendesk-app/vitest.config.ts
// or as the `app` project of the root vitest.config.ts.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The project root is this folder, whichever way the config is loaded.
const appRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: appRoot,
  plugins: [react()],
  test: {
    name: 'app',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    testTimeout: 20_000,
  },
});
