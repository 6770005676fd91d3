// Builds the Zendesk client of one installation: its base URL, OAuth credentials (refreshed with
// the worker's global OAuth client, rotated tokens persisted to D1, a refused refresh marking the
// installation "reconnect needed") and the marketplace request headers.
import {
  markReconnectNeeded,
  readInstallation,
  readZendeskOAuth,
  updateZendeskOAuth,
  type Installation,
} from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import { createZendeskClient, type ZendeskClient, type ZendeskClientOptions } from './client.ts';

export function zendeskBaseUrl(env: Env, subdomain: string): string {
  return env.ZENDESK_BASE_URL_TEMPLATE.replace('{subdomain}', subdomain).replace(/\/+$/, '');
}

/**
 * Zendesk asks marketplace apps to name themselves on every API request made from outside ZAF:
 * https://developer.zendesk.com/documentation/marketplace/building-a-marketplace-app/request-header-requirements-for-marketplace-apps
 * ("X-Zendesk-Marketplace-Name", "-Organization-Id", "-App-Id"). Unset values are left out.
 */
export function marketplaceHeaders(env: Env): Record<string, string> {
  const headers: Record<string, string> = {};
  if (env.MARKETPLACE_NAME) headers['X-Zendesk-Marketplace-Name'] = env.MARKETPLACE_NAME;
  if (env.MARKETPLACE_ORGANIZATION_ID) headers['X-Zendesk-Marketplace-Organization-Id'] = env.MARKETPLACE_ORGANIZATION_ID;
  if (env.MARKETPLACE_APP_ID) headers['X-Zendesk-Marketplace-App-Id'] = env.MARKETPLACE_APP_ID;
  return headers;
}

/** Options every client of this worker shares, whatever account it talks to. */
export function zendeskClientDefaults(env: Env): Pick<ZendeskClientOptions, 'headers' | 'oauthClient'> {
  return {
    headers: marketplaceHeaders(env),
    oauthClient: { clientId: env.ZENDESK_OAUTH_CLIENT_ID, clientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET },
  };
}

export async function zendeskFor(env: Env, installation: Installation): Promise<ZendeskClient> {
  const credentials = await readZendeskOAuth(env.SECRETS_KEY, installation);
  if (!credentials) throw new AppError('requirements_not_met', 'Zendesk is not connected for this installation (OAuth)');
  return createZendeskClient({
    ...zendeskClientDefaults(env),
    baseUrl: zendeskBaseUrl(env, installation.subdomain),
    credentials,
    onRefreshed: (creds) => updateZendeskOAuth(env.DB, env.SECRETS_KEY, installation.id, creds, new Date().toISOString()),
    onRefreshRefused: () => markReconnectNeeded(env.DB, installation.id, new Date().toISOString()),
    reloadCredentials: async () => {
      const fresh = await readInstallation(env.DB, installation.id);
      return fresh ? readZendeskOAuth(env.SECRETS_KEY, fresh) : null;
    },
  });
}
