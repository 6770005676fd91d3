// Starts one local stack for the e2e run: free ports (so it runs next to `npm start`), a fresh
// D1 state folder in the OS temp dir, the worker's log in test-artifacts/e2e/worker.log.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, startLocalStack } from '../../scripts/local-stack.ts';
import { ARTIFACTS_DIR } from './paths.ts';

export interface E2eStack {
  playgroundUrl: string;
  workerUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  installationId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: E2eStack;
  }
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>) {
  rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'pisms-e2e-'));
  const started = Date.now();
  const stack = await startLocalStack({
    ports: { worker: 0, zendesk: 0, telnyx: 0, playground: 0 },
    persistDir: join(stateDir, 'state'),
    installationFile: join(stateDir, 'installation.json'),
    workerOutput: { file: join(ARTIFACTS_DIR, 'worker.log') },
    callbackDelayMs: 300,
    log: (line) => console.log(`[e2e stack] ${line}`),
  }).catch((error: unknown) => {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  console.log(`[e2e stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${stack.playgroundUrl} (root ${ROOT})`);
  provide('stack', {
    playgroundUrl: stack.playgroundUrl,
    workerUrl: stack.workerUrl,
    zendeskUrl: stack.zendeskUrl,
    telnyxUrl: stack.telnyxUrl,
    installationId: stack.installation.id,
  });
  return async () => {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
