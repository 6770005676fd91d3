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
import type { ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
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

/**
 * Unsealed OAuth credentials of this isolate, by installation id (issue 13: decrypting and parsing
 * them was a visible share of each job's CPU, bench/cpu-profile.ts). Why this is safe:
 *  - An entry is used only for the same sealed value (the ciphertext string as stored: every
 *    refresh or reconnect re-encrypts with a fresh IV, so the string changes) and the same key;
 *    it is then exactly what decrypting it again would give.
 *  - Only resolved, frozen values are stored: no promise, no I/O object, nothing a request can
 *    change (the client replaces its credentials on refresh; it never mutates them).
 *  - The client itself is made per call: it holds the refresh in flight (a promise) and callbacks
 *    bound to this request's env, which must not cross requests.
 *  - At most MAX_CACHED_CREDENTIALS installations; the oldest entry goes first.
 * The tokens stay in this isolate's memory, as they did during each job; they are never logged.
 */
const unsealed = new Map<string, { sealed: string; secretsKey: string; credentials: ZendeskOAuthCredentials }>();
export const MAX_CACHED_CREDENTIALS = 200;

async function oauthCredentials(env: Env, installation: Installation): Promise<ZendeskOAuthCredentials | null> {
  const sealed = installation.sealed.zendeskOAuth;
  if (!sealed) return null;
  const cached = unsealed.get(installation.id);
  if (cached && cached.sealed === sealed && cached.secretsKey === env.SECRETS_KEY) return cached.credentials;
  const credentials = await readZendeskOAuth(env.SECRETS_KEY, installation);
  if (!credentials) return null;
  unsealed.delete(installation.id);
  if (unsealed.size >= MAX_CACHED_CREDENTIALS) unsealed.delete(unsealed.keys().next().value as string);
  unsealed.set(installation.id, { sealed, secretsKey: env.SECRETS_KEY, credentials: Object.freeze(credentials) });
  return credentials;
}

export async function zendeskFor(env: Env, installation: Installation): Promise<ZendeskClient> {
  const credentials = await oauthCredentials(env, installation);
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
