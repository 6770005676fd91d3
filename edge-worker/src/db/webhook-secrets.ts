// D1 access for Zendesk webhook signing secrets: one per Zendesk webhook id and installation,
// AES-256-GCM encrypted (crypto/secrets.ts) with "<installation id>/<webhook id>" as additional
// data, so a value copied to another row or installation does not decrypt. The webhook edge picks
// the secret by the X-Zendesk-Webhook-Id header; installations.webhook_secret is the legacy single
// secret (provisioning, PUT /v1/settings/zendesk-webhook) used when no per-webhook one matches.
import { decryptSecret, encryptSecret } from '../crypto/secrets.ts';

const aad = (installationId: string, webhookId: string) => `${installationId}/${webhookId}`;

export async function upsertWebhookSecretStatement(
  db: D1Database,
  secretsKey: string,
  installationId: string,
  webhookId: string,
  secret: string,
  now: string,
): Promise<D1PreparedStatement> {
  return db
    .prepare(
      `INSERT INTO zendesk_webhook_secrets (installation_id, webhook_id, secret, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (installation_id, webhook_id) DO UPDATE SET secret = excluded.secret, updated_at = excluded.updated_at`,
    )
    .bind(installationId, webhookId, await encryptSecret(secretsKey, aad(installationId, webhookId), secret), now);
}

/** Every stored secret of the installation, decrypted, by webhook id. */
export async function listWebhookSecrets(db: D1Database, secretsKey: string, installationId: string): Promise<Map<string, string>> {
  const { results } = await db
    .prepare('SELECT webhook_id, secret FROM zendesk_webhook_secrets WHERE installation_id = ?')
    .bind(installationId)
    .all<{ webhook_id: string; secret: string }>();
  const out = new Map<string, string>();
  for (const row of results) out.set(row.webhook_id, await decryptSecret(secretsKey, aad(installationId, row.webhook_id), row.secret));
  return out;
}

export async function listWebhookSecretIds(db: D1Database, installationId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT webhook_id FROM zendesk_webhook_secrets WHERE installation_id = ? ORDER BY webhook_id')
    .bind(installationId)
    .all<{ webhook_id: string }>();
  return results.map((r) => r.webhook_id);
}

/** Forgets the secrets of webhooks that are gone (the list is one JSON parameter: D1 binds at most 100). */
export function deleteWebhookSecretsStatement(db: D1Database, installationId: string, webhookIds: string[]): D1PreparedStatement {
  return db
    .prepare('DELETE FROM zendesk_webhook_secrets WHERE installation_id = ? AND webhook_id IN (SELECT value FROM json_each(?))')
    .bind(installationId, JSON.stringify(webhookIds));
}
