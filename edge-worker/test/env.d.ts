// Types of the bindings the worker tests see through `cloudflare:test` (Cloudflare.Env).
import type { D1Migration } from '@cloudflare/vitest-plugin';
import type { Env } from '../src/env.ts';

interface TestBindings extends Env {
  TEST_MIGRATIONS: D1Migration[];
  /** Base URL of the Zendesk fake (its control API is under /__control). */
  FAKES_CONTROL_URL: string;
  /** Base URL of the Telnyx fake (its control API is under /__control). */
  TELNYX_FAKE_URL: string;
}

declare global {
  namespace Cloudflare {
    interface Env extends TestBindings {}
  }
}
