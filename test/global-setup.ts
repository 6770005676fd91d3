// Vitest globalSetup for the worker project: starts the Zendesk and Telnyx fakes on 127.0.0.1 with
// random ports and provides their origins (no trailing slash) to the tests and to the worker's
// bindings (vitest.config.ts: ZENDESK_BASE_URL_TEMPLATE = `${zendeskFakeUrl}/{subdomain}`,
// TELNYX_BASE_URL = `${telnyxFakeUrl}/v2`). Tests inside workerd reach the fakes only over HTTP,
// through each fake's `/__control/...` API.
// It also registers the product's global OAuth client with the Zendesk fake and provides the public
// key of the app's key pair the fake signs page loads with (ZENDESK_APP_PUBLIC_KEY).
import type { TestProject } from 'vitest/node';
import { startFakes, zendeskControl } from './fakes/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    zendeskFakeUrl: string;
    telnyxFakeUrl: string;
    zendeskAppPublicKey: string;
  }
}

/** The global OAuth client the worker under test uses (vitest.config.ts). */
export const TEST_OAUTH_CLIENT = {
  clientId: 'pisms_global_test',
  clientSecret: 'pisms-global-test-client-secret-0123456789',
  redirectUris: ['https://worker.test/oauth/zendesk/callback'],
};

export default async function setup({ provide }: Pick<TestProject, 'provide'>) {
  const fakes = await startFakes();
  const zendesk = zendeskControl(fakes.zendeskUrl);
  await zendesk.setOAuthClients([TEST_OAUTH_CLIENT]);
  provide('zendeskFakeUrl', fakes.zendeskUrl);
  provide('telnyxFakeUrl', fakes.telnyxUrl);
  provide('zendeskAppPublicKey', (await zendesk.appKey()).publicKeyPem);
  return async () => {
    await fakes.close();
  };
}
