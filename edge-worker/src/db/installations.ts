// D1 access for installations (tenants). The only file with SQL on the installations table.
// Credentials are stored encrypted (crypto/secrets.ts) and decrypted only where they are used.
import { Settings, ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../crypto/secrets.ts';

export type InstallationStatus = 'active' | 'reconnect_needed';

/** What the one-click setup created in Zendesk (removed again on disconnect). */
export const ZendeskSetup = z.object({ webhookId: z.string(), triggerIds: z.array(z.string()) });
export type ZendeskSetup = z.infer<typeof ZendeskSetup>;

export interface Installation {
  id: string;
  subdomain: string;
  /** The Zendesk app installation bound to it (the `aud` of Zendesk's signed loads); null until bound. */
  appInstallationId: string | null;
  status: InstallationStatus;
  connectedBy: string | null;
  connectedAt: string | null;
  settings: Settings;
  zendeskSetup: ZendeskSetup | null;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every rule write (migration 0010): the key of the per-isolate rule cache. */
  rulesVersion: number;
  /** Moved on by every change of the row (migration 0013 trigger): the key of the per-isolate cache below. */
  rowVersion: number;
  /** Encrypted columns; use the read* helpers below. */
  sealed: { webhookSecret: string | null; telnyx: string | null; zendeskOAuth: string | null };
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
  app_installation_id: string | null;
  status: string;
  connected_by: string | null;
  connected_at: string | null;
  zendesk_setup_json: string | null;
  webhook_secret: string | null;
  settings_json: string;
  telnyx_json: string | null;
  zendesk_oauth_json: string | null;
  created_at: string;
  updated_at: string;
  rules_version: number;
  row_version: number;
}

function toInstallation(row: InstallationRow): Installation {
  return {
    id: row.id,
    subdomain: row.subdomain,
    appInstallationId: row.app_installation_id,
    status: row.status === 'reconnect_needed' ? 'reconnect_needed' : 'active',
    connectedBy: row.connected_by,
    connectedAt: row.connected_at,
    // Parsed on read: the JSON columns may have been written by an older deploy.
    settings: Settings.parse(JSON.parse(row.settings_json)),
    zendeskSetup: row.zendesk_setup_json ? ZendeskSetup.parse(JSON.parse(row.zendesk_setup_json)) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rulesVersion: row.rules_version,
    rowVersion: row.row_version,
    sealed: {
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

/**
 * The installation at `version` (the row version the interaction job's claim returned): from this
 * isolate's cache when it holds exactly that version, else read (and kept). Every change of the
 * row moves its version on (migration 0013), so a cached entry at the claimed version IS the row;
 * the cache saves the interaction job one round trip and the settings' zod parse. Only resolved
 * values are kept (workerd refuses I/O objects shared across requests), at most
 * MAX_CACHED_INSTALLATIONS, the least recently stored going first. Callers must not mutate the
 * returned object (nothing does: settings changes are written to D1 and read back).
 */
export async function readInstallationAt(db: D1Database, id: string, version: number): Promise<Installation | null> {
  const hit = installationCache.get(id);
  if (hit && hit.rowVersion === version) return hit;
  const fresh = await readInstallation(db, id);
  installationCache.delete(id);
  if (fresh) {
    installationCache.set(id, fresh);
    // Map order is insertion order: the first key is the least recently stored.
    if (installationCache.size > MAX_CACHED_INSTALLATIONS) installationCache.delete(installationCache.keys().next().value as string);
  }
  return fresh;
}

/** Installations kept per isolate: each a few kB (settings and sealed credentials). */
const MAX_CACHED_INSTALLATIONS = 1_000;
const installationCache = new Map<string, Installation>();

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
  appInstallationId: string | null;
  connectedBy: string | null;
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
      `INSERT INTO installations (id, subdomain, app_installation_id, status, connected_by, connected_at, webhook_secret,
         settings_json, telnyx_json, zendesk_oauth_json, refresh_expires_ms, created_at, updated_at)
       VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      inst.id,
      inst.subdomain.toLowerCase(),
      inst.appInstallationId,
      inst.connectedBy,
      inst.connectedBy ? inst.now : null,
      await seal(inst.webhookSecret),
      JSON.stringify(inst.settings),
      await seal(inst.telnyx ? JSON.stringify(inst.telnyx) : null),
      await seal(inst.zendeskOAuth ? JSON.stringify(inst.zendeskOAuth) : null),
      refreshExpiresMs(inst.zendeskOAuth),
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

function refreshExpiresMs(oauth: ZendeskOAuthCredentials | null): number | null {
  return oauth?.refreshExpiresAt ? Date.parse(oauth.refreshExpiresAt) : null;
}

/** Stores refreshed (rotated) tokens; a working token also clears "reconnect needed". */
export async function updateZendeskOAuth(
  db: D1Database,
  secretsKey: string,
  id: string,
  oauth: ZendeskOAuthCredentials,
  now: string,
): Promise<void> {
  await db
    .prepare(
      `UPDATE installations SET zendesk_oauth_json = ?, refresh_expires_ms = ?, status = 'active', updated_at = ? WHERE id = ?`,
    )
    .bind(await encryptSecret(secretsKey, id, JSON.stringify(oauth)), refreshExpiresMs(oauth), now, id)
    .run();
}

/** Connect on an account that already has an installation: new tokens, new app installation, active. */
export async function rebindInstallation(
  db: D1Database,
  secretsKey: string,
  id: string,
  binding: { appInstallationId: string; connectedBy: string; oauth: ZendeskOAuthCredentials },
  now: string,
): Promise<void> {
  await db
    .prepare(
      `UPDATE installations SET app_installation_id = ?, connected_by = ?, connected_at = ?, status = 'active',
         zendesk_oauth_json = ?, refresh_expires_ms = ?, updated_at = ? WHERE id = ?`,
    )
    .bind(
      binding.appInstallationId,
      binding.connectedBy,
      now,
      await encryptSecret(secretsKey, id, JSON.stringify(binding.oauth)),
      refreshExpiresMs(binding.oauth),
      now,
      id,
    )
    .run();
}

/** The operator path: an installation provisioned without an app binding takes the first verified one. */
export async function bindAppInstallation(db: D1Database, id: string, appInstallationId: string, now: string): Promise<void> {
  await db
    .prepare('UPDATE installations SET app_installation_id = ?, updated_at = ? WHERE id = ? AND app_installation_id IS NULL')
    .bind(appInstallationId, now, id)
    .run();
}

export async function markReconnectNeeded(db: D1Database, id: string, now: string): Promise<void> {
  await db.prepare(`UPDATE installations SET status = 'reconnect_needed', updated_at = ? WHERE id = ?`).bind(now, id).run();
}

export async function updateZendeskSetup(db: D1Database, id: string, setup: ZendeskSetup | null, now: string): Promise<void> {
  await db
    .prepare('UPDATE installations SET zendesk_setup_json = ?, updated_at = ? WHERE id = ?')
    .bind(setup ? JSON.stringify(setup) : null, now, id)
    .run();
}

/** Installations whose refresh token lapses before `beforeMs` (the token refresh cron). */
export async function listInstallationsToRefresh(db: D1Database, beforeMs: number, limit: number): Promise<Installation[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM installations WHERE refresh_expires_ms IS NOT NULL AND refresh_expires_ms < ? AND status = 'active'
       ORDER BY refresh_expires_ms LIMIT ?`,
    )
    .bind(beforeMs, limit)
    .all<InstallationRow>();
  return results.map(toInstallation);
}

/** How many rows a disconnect deletes (what the confirmation says). */
export async function countInstallationData(
  db: D1Database,
  id: string,
): Promise<{ rules: number; sends: number; auditEntries: number }> {
  const row = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM rules WHERE installation_id = ?1) AS rules,
              (SELECT COUNT(*) FROM sends WHERE installation_id = ?1) AS sends,
              (SELECT COUNT(*) FROM audit_log WHERE installation_id = ?1) AS audit_entries`,
    )
    .bind(id)
    .first<{ rules: number; sends: number; audit_entries: number }>();
  return { rules: row?.rules ?? 0, sends: row?.sends ?? 0, auditEntries: row?.audit_entries ?? 0 };
}

/** Deletes the installation; every other table's rows go with it (ON DELETE CASCADE). */
export async function deleteInstallation(db: D1Database, id: string): Promise<void> {
  await db.prepare('DELETE FROM installations WHERE id = ?').bind(id).run();
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
