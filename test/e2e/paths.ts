// Where the e2e run writes screenshots and logs (gitignored: test-artifacts/), and the README's
// screenshots (docs/screenshots/) and the marketplace screenshots (zendesk-app/assets/), written
// only with UPDATE_DOC_SCREENSHOTS=1 (`npm run screenshots`).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'e2e');
export const DOC_SCREENSHOTS_DIR = join(ROOT, 'docs', 'screenshots');
/** The Zendesk Marketplace screenshots ship with the app: zendesk-app/assets/screenshot-<n>.png. */
export const MARKETPLACE_SCREENSHOTS_DIR = join(ROOT, 'zendesk-app', 'assets');
