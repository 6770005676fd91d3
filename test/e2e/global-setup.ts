// Starts the local stack most e2e files share, with the demo account already connected and set
// up (`install: 'connect-as-admin'`: the same HTTP flow as Connect + Setup in the browser), so
// they can test what comes after the install. install.e2e.test.ts starts its own, not connected.
import { mkdirSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ARTIFACTS_DIR } from './paths.ts';
import { type E2eStack, startE2eStack } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: E2eStack;
  }
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>) {
  rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const { stack, stop } = await startE2eStack('shared', 'connect-as-admin', 'if-stale');
  provide('stack', stack);
  return stop;
}
