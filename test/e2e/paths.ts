// Where the e2e run writes screenshots and logs (gitignored: test-artifacts/), and the README's
// screenshots (docs/screenshots/, written only with UPDATE_DOC_SCREENSHOTS=1).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'e2e');
export const DOC_SCREENSHOTS_DIR = join(ROOT, 'docs', 'screenshots');
