// Builds the Zendesk app (zendesk-app/dist/assets) when it is missing or older than its sources.
// The worker serves the app's location pages from there (wrangler.toml [assets]), so the worker
// tests and `wrangler dev` need it; `npm test` runs this first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { appBuildIsStale, ROOT } from './local-stack.ts';

if (appBuildIsStale()) {
  console.log('Building the Zendesk app (zendesk-app/dist)…');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'zendesk-app/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
