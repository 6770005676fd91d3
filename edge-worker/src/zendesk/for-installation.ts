// Builds the Zendesk client of one installation: its base URL and OAuth credentials, persisting
// refreshed tokens back to D1.
import { readInstallation, readZendeskOAuth, updateZendeskOAuth, type Installation } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import { createZendeskClient, type ZendeskClient } from './client.ts';

export function zendeskBaseUrl(env: Env, subdomain: string): string {
  return env.ZENDESK_BASE_URL_TEMPLATE.replace('{subdomain}', subdomain).replace(/\/+$/, '');
}

export async function zendeskFor(env: Env, installation: Installation): Promise<ZendeskClient> {
  const credentials = await readZendeskOAuth(env.SECRETS_KEY, installation);
  if (!credentials) throw new AppError('requirements_not_met', 'Zendesk is not connected for this installation (OAuth)');
  return createZendeskClient({
    baseUrl: zendeskBaseUrl(env, installation.subdomain),
    credentials,
    onRefreshed: (creds) =>
      updateZendeskOAuth(env.DB, env.SECRETS_KEY, installation.id, creds, new Date().toISOString()),
    reloadCredentials: async () => {
      const fresh = await readInstallation(env.DB, installation.id);
      return fresh ? readZendeskOAuth(env.SECRETS_KEY, fresh) : null;
    },
  });
}
