// Vitest globalSetup for the worker project: starts the Zendesk and Telnyx fakes on 127.0.0.1 with
// random ports and provides their origins (no trailing slash) to the tests and to the worker's
// bindings (vitest.config.ts: ZENDESK_BASE_URL_TEMPLATE = `${zendeskFakeUrl}/{subdomain}`,
// TELNYX_BASE_URL = `${telnyxFakeUrl}/v2`). Tests inside workerd reach the fakes only over HTTP,
// through each fake's `/__control/...` API.
import type { TestProject } from 'vitest/node';
import { startFakes } from './fakes/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    zendeskFakeUrl: string;
    telnyxFakeUrl: string;
  }
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>) {
  const fakes = await startFakes();
  provide('zendeskFakeUrl', fakes.zendeskUrl);
  provide('telnyxFakeUrl', fakes.telnyxUrl);
  return async () => {
    await fakes.close();
  };
}
