// One local stack for e2e tests (scripts/local-stack.ts): free ports (so it runs next to
// `npm start`), a fresh D1 state folder in the OS temp dir, the worker's log in
// test-artifacts/e2e/<name>-worker.log. The shared stack (global-setup.ts) starts connected; a test
// that installs the app itself starts its own with `install: 'none'`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../scripts/local-stack.ts';
import type { InstallMode, LocalStack } from '../../scripts/local-stack.ts';
import { ARTIFACTS_DIR } from './paths.ts';

export interface E2eStack {
  playgroundUrl: string;
  workerUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  /** null when the stack started with the demo account not connected. */
  installationId: string | null;
}

/**
 * `buildApp`: only the first stack of a run builds the app when it is stale (global-setup.ts);
 * a rebuild empties zendesk-app/dist, which the running worker serves the pages from.
 */
export async function startE2eStack(
  name: string,
  install: InstallMode,
  buildApp: 'if-stale' | 'never',
): Promise<{ stack: E2eStack; local: LocalStack; stop(): Promise<void> }> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), `pisms-e2e-${name}-`));
  const started = Date.now();
  const log = (line: string) => console.log(`[e2e ${name} stack] ${line}`);
  const local = await startLocalStack({
    ports: { worker: 0, zendesk: 0, telnyx: 0, playground: 0 },
    persistDir: join(stateDir, 'state'),
    fresh: true,
    install,
    buildApp,
    workerOutput: { file: join(ARTIFACTS_DIR, `${name}-worker.log`) },
    callbackDelayMs: 300,
    log,
  }).catch((error: unknown) => {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${local.playgroundUrl}`);
  return {
    local,
    stack: {
      playgroundUrl: local.playgroundUrl,
      workerUrl: local.workerUrl,
      zendeskUrl: local.zendeskUrl,
      telnyxUrl: local.telnyxUrl,
      installationId: local.installation?.id ?? null,
    },
    stop: async () => {
      await local.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
