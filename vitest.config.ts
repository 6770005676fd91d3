// One test command for the repo (`npm test`), three projects:
//  - pure:   the shared engine and other pure modules, in Node.
//  - worker: the edge worker inside workerd (Cloudflare vitest integration) with a real local D1
//            and Queues; external services are fakes on 127.0.0.1 started by test/global-setup.ts.
//  - app:    the Zendesk app's components in jsdom with a stand-in ZAF client.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { TEST_OAUTH_CLIENT } from './test/global-setup.ts';

const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'pure',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'edge-worker/src/**/*.unit.test.ts', 'test/fakes/**/*.test.ts', 'soak/**/*.test.ts'],
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: root('./wrangler.toml') },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(root('./edge-worker/migrations')),
                ZENDESK_BASE_URL_TEMPLATE: `${inject<string>('zendeskFakeUrl')}/{subdomain}`,
                TELNYX_BASE_URL: `${inject<string>('telnyxFakeUrl')}/v2`,
                FAKES_CONTROL_URL: inject<string>('zendeskFakeUrl'),
                TELNYX_FAKE_URL: inject<string>('telnyxFakeUrl'),
                PUBLIC_BASE_URL: 'https://worker.test',
                // Short, so the "Telnyx does not answer" tests run quickly.
                TELNYX_TIMEOUT_MS: '1500',
                PROVISIONING_TOKEN: 'test-provisioning-token-0123456789',
                // The fake holds the app's key pair and signs page loads as Zendesk does.
                ZENDESK_APP_PUBLIC_KEY: inject<string>('zendeskAppPublicKey'),
                SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
                ZENDESK_OAUTH_CLIENT_ID: TEST_OAUTH_CLIENT.clientId,
                ZENDESK_OAUTH_CLIENT_SECRET: TEST_OAUTH_CLIENT.clientSecret,
                MARKETPLACE_NAME: 'Post-Interaction SMS',
                MARKETPLACE_ORGANIZATION_ID: '4242',
                MARKETPLACE_APP_ID: '987654',
                SECRETS_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          // Delivery tests wait for the real queue consumer; a few take several seconds.
          testTimeout: 30_000,
          include: ['edge-worker/test/**/*.test.ts'],
          globalSetup: ['./test/global-setup.ts'],
          setupFiles: ['./edge-worker/test/apply-migrations.ts'],
        },
      },
      // The Zendesk app (jsdom, stand-in ZAF client): see zendesk-app/vitest.config.ts.
      'zendesk-app/vitest.config.ts',
    ],
  },
});
