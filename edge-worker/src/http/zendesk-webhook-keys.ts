// Per-isolate cache of what verifying a Zendesk webhook needs: whether the installation exists and
// its imported HMAC keys by Zendesk webhook id (plus the legacy single secret). An unsigned or
// forged flood against a known installation then costs no D1 read and no key import.
// Only resolved values are cached, never a pending promise: a promise created in one request must
// not be awaited by another (workerd refuses cross-request I/O), so concurrent first requests each
// load. Unknown installations are not cached (a flood of made-up ids must not fill memory); their
// ids are checked for form first. Trade-off, written down: a secret stored by another isolate (a
// new webhook from Setup, a rotated secret) is seen within UNKNOWN_ID_RELOAD_MS: a signature that
// none of the cached keys verifies reloads the entry once it is that old (so a forged flood costs
// at most one D1 read per installation every UNKNOWN_ID_RELOAD_MS); a removed or rotated-away
// secret still verifies for up to TTL_MS. Why TTL_MS = 60 s: a rotation is an operator's action
// for which a minute of overlap is acceptable (Zendesk's own replay window is 5 minutes:
// verify/zendesk-signature.ts), while one load per installation, isolate and minute costs nothing
// measurable; this isolate's own writes (Setup, PUT /v1/settings/zendesk-webhook, disconnect)
// forget the entry at once. Tested in edge-worker/test/webhook-key-cache.test.ts.
import { readInstallation, readWebhookSecret } from '../db/installations.ts';
import { listWebhookSecrets } from '../db/webhook-secrets.ts';
import type { Env } from '../env.ts';
import { importZendeskSigningKey } from '../verify/zendesk-signature.ts';

export const TTL_MS = 60_000;
export const UNKNOWN_ID_RELOAD_MS = 5_000;
const MAX_ENTRIES = 1_000;
/** `inst_` + randomToken(12) (connect-api.ts, provisioning-api.ts). */
const INSTALLATION_ID = /^inst_[A-Za-z0-9_-]{8,64}$/;

interface Entry {
  loadedAtMs: number;
  keys: Map<string, CryptoKey>;
  legacy: CryptoKey | null;
}

const cache = new Map<string, Entry>();
let loads = 0;

async function load(env: Env, installationId: string, nowMs: number): Promise<Entry | null> {
  loads += 1;
  const installation = await readInstallation(env.DB, installationId);
  if (!installation) return null;
  const [legacy, secrets] = await Promise.all([
    readWebhookSecret(env.SECRETS_KEY, installation),
    listWebhookSecrets(env.DB, env.SECRETS_KEY, installationId),
  ]);
  const keys = new Map<string, CryptoKey>();
  for (const [webhookId, secret] of secrets) keys.set(webhookId, await importZendeskSigningKey(secret));
  const entry: Entry = { loadedAtMs: nowMs, keys, legacy: legacy ? await importZendeskSigningKey(legacy) : null };
  cache.delete(installationId);
  cache.set(installationId, entry);
  // Map order is insertion order: the first key is the least recently loaded.
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return entry;
}

export type WebhookKeys = { known: false } | { known: true; keys: CryptoKey[] };

/**
 * The keys that may verify a webhook from this installation: the secret of `webhookId` when it is
 * stored; otherwise the legacy single secret and the stored ones (a request without the header is
 * not what Zendesk sends, but any of the installation's own secrets proves it). `known: false`
 * for an installation that does not exist.
 */
export async function zendeskWebhookKeys(env: Env, installationId: string, webhookId: string | null, nowMs: number): Promise<WebhookKeys> {
  if (!INSTALLATION_ID.test(installationId)) return { known: false };
  let entry = cache.get(installationId);
  const stale = !entry || nowMs - entry.loadedAtMs > TTL_MS;
  const newWebhook = entry !== undefined && webhookId !== null && !entry.keys.has(webhookId) && nowMs - entry.loadedAtMs > UNKNOWN_ID_RELOAD_MS;
  if (stale || newWebhook) {
    const loaded = await load(env, installationId, nowMs);
    if (!loaded) {
      cache.delete(installationId);
      return { known: false };
    }
    entry = loaded;
  }
  if (!entry) return { known: false };
  const named = webhookId !== null ? entry.keys.get(webhookId) : undefined;
  if (named) return { known: true, keys: [named] };
  return { known: true, keys: [...(entry.legacy ? [entry.legacy] : []), ...entry.keys.values()] };
}

/**
 * After no cached key verified a signature: the keys again from D1 when the entry is older than
 * UNKNOWN_ID_RELOAD_MS (a secret rotated by another isolate), else null (nothing new to try).
 */
export async function reloadZendeskWebhookKeys(env: Env, installationId: string, webhookId: string | null, nowMs: number): Promise<CryptoKey[] | null> {
  const entry = cache.get(installationId);
  if (!entry || nowMs - entry.loadedAtMs <= UNKNOWN_ID_RELOAD_MS) return null;
  const loaded = await load(env, installationId, nowMs);
  if (!loaded) {
    cache.delete(installationId);
    return null;
  }
  const named = webhookId !== null ? loaded.keys.get(webhookId) : undefined;
  if (named) return [named];
  return [...(loaded.legacy ? [loaded.legacy] : []), ...loaded.keys.values()];
}

/** After this isolate stored or removed secrets (Setup, disconnect): the next request reloads. */
export function forgetZendeskWebhookKeys(installationId: string): void {
  cache.delete(installationId);
}

/** How many times keys were loaded from D1 in this isolate (tests: a flood must not load). */
export function zendeskWebhookKeyLoads(): number {
  return loads;
}
