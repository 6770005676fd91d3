// Where the e2e run writes screenshots and logs (gitignored: test-artifacts/).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS_DIR = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts', 'e2e');
