// D1 access for installations (tenants). The only file with SQL on the installations table.
// Credentials are stored encrypted (crypto/secrets.ts) and decrypted only where they are used.
import { Settings, ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../crypto/secrets.ts';

export interface Installation {
  id: string;
  subdomain: string;
  settings: Settings;
  createdAt: string;
  updatedAt: string;
  /** Encrypted columns; use the read* helpers below. */
  sealed: { sharedSecret: string; webhookSecret: string | null; telnyx: string | null; zendeskOAuth: string | null };
}

/** Stored Telnyx connection (decrypted). */
export const StoredTelnyx = z.object({
  apiKey: z.string().nullable().default(null),
  messagingProfileId: z.string().nullable().default(null),
  publicKey: z.string().nullable().default(null),
});
export type StoredTelnyx = z.infer<typeof StoredTelnyx>;

interface InstallationRow {
  id: string;
  subdomain: string;
  shared_secret: string;
  webhook_secret: string | null;
  settings_json: string;
  telnyx_json: string | null;
  zendesk_oauth_json: string | null;
  created_at: string;
  updated_at: string;
}

function toInstallation(row: InstallationRow): Installation {
  return {
    id: row.id,
    subdomain: row.subdomain,
    // Parsed on read: the JSON column may have been written by an older deploy.
    settings: Settings.parse(JSON.parse(row.settings_json)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sealed: {
      sharedSecret: row.shared_secret,
      webhookSecret: row.webhook_secret,
      telnyx: row.telnyx_json,
      zendeskOAuth: row.zendesk_oauth_json,
    },
  };
}

export async function readInstallation(db: D1Database, id: string): Promise<Installation | null> {
  const row = await db.prepare('SELECT * FROM installations WHERE id = ?').bind(id).first<InstallationRow>();
  return row ? toInstallation(row) : null;
}

export async function readInstallationBySubdomain(db: D1Database, subdomain: string): Promise<Installation | null> {
  const row = await db
    .prepare('SELECT * FROM installations WHERE subdomain = ?')
    .bind(subdomain.toLowerCase())
    .first<InstallationRow>();
  return row ? toInstallation(row) : null;
}

export interface NewInstallation {
  id: string;
  subdomain: string;
  sharedSecret: string;
  webhookSecret: string | null;
  settings: Settings;
  telnyx: StoredTelnyx | null;
  zendeskOAuth: ZendeskOAuthCredentials | null;
  now: string;
}

export async function insertInstallation(db: D1Database, secretsKey: string, inst: NewInstallation): Promise<void> {
  const seal = (v: string | null) => (v === null ? null : encryptSecret(secretsKey, inst.id, v));
  await db
    .prepare(
      `INSERT INTO installations (id, subdomain, shared_secret, webhook_secret, settings_json, telnyx_json,
         zendesk_oauth_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      inst.id,
      inst.subdomain.toLowerCase(),
      await encryptSecret(secretsKey, inst.id, inst.sharedSecret),
      await seal(inst.webhookSecret),
      JSON.stringify(inst.settings),
      await seal(inst.telnyx ? JSON.stringify(inst.telnyx) : null),
      await seal(inst.zendeskOAuth ? JSON.stringify(inst.zendeskOAuth) : null),
      inst.now,
      inst.now,
    )
    .run();
}

export function updateSettingsStatement(db: D1Database, id: string, settings: Settings, now: string): D1PreparedStatement {
  return db
    .prepare('UPDATE installations SET settings_json = ?, updated_at = ? WHERE id = ?')
    .bind(JSON.stringify(settings), now, id);
}

export async function updateTelnyxStatement(
  db: D1Database,
  secretsKey: string,
  id: string,
  telnyx: StoredTelnyx,
  now: string,
): Promise<D1PreparedStatement> {
  return db
    .prepare('UPDATE installations SET telnyx_json = ?, updated_at = ? WHERE id = ?')
    .bind(await encryptSecret(secretsKey, id, JSON.stringify(telnyx)), now, id);
}

export async function updateZendeskOAuth(
  db: D1Database,
  secretsKey: string,
  id: string,
  oauth: ZendeskOAuthCredentials,
  now: string,
): Promise<void> {
  await db
    .prepare('UPDATE installations SET zendesk_oauth_json = ?, updated_at = ? WHERE id = ?')
    .bind(await encryptSecret(secretsKey, id, JSON.stringify(oauth)), now, id)
    .run();
}

export async function updateWebhookSecret(
  db: D1Database,
  secretsKey: string,
  id: string,
  secret: string,
  now: string,
): Promise<void> {
  await db
    .prepare('UPDATE installations SET webhook_secret = ?, updated_at = ? WHERE id = ?')
    .bind(await encryptSecret(secretsKey, id, secret), now, id)
    .run();
}

export function readSharedSecret(secretsKey: string, inst: Installation): Promise<string> {
  return decryptSecret(secretsKey, inst.id, inst.sealed.sharedSecret);
}

export async function readWebhookSecret(secretsKey: string, inst: Installation): Promise<string | null> {
  return inst.sealed.webhookSecret ? decryptSecret(secretsKey, inst.id, inst.sealed.webhookSecret) : null;
}

export async function readTelnyx(secretsKey: string, inst: Installation): Promise<StoredTelnyx> {
  if (!inst.sealed.telnyx) return StoredTelnyx.parse({});
  return StoredTelnyx.parse(JSON.parse(await decryptSecret(secretsKey, inst.id, inst.sealed.telnyx)));
}

export async function readZendeskOAuth(secretsKey: string, inst: Installation): Promise<ZendeskOAuthCredentials | null> {
  if (!inst.sealed.zendeskOAuth) return null;
  return ZendeskOAuthCredentials.parse(JSON.parse(await decryptSecret(secretsKey, inst.id, inst.sealed.zendeskOAuth)));
}
