// D1 access for pending "Connect Zendesk" consents (oauth_states): single use, short-lived.
export interface OAuthState {
  state: string;
  subdomain: string;
  appInstallationId: string;
  userId: string;
  codeVerifier: string;
  expiresMs: number;
}

interface OAuthStateRow {
  state: string;
  subdomain: string;
  app_installation_id: string;
  user_id: string;
  code_verifier: string;
  expires_ms: number;
}

export async function insertOAuthState(db: D1Database, s: OAuthState, nowMs: number): Promise<void> {
  await db.batch([
    // Expired attempts are swept here rather than by a job: the table stays tiny.
    db.prepare('DELETE FROM oauth_states WHERE expires_ms < ?').bind(nowMs),
    db
      .prepare(
        'INSERT INTO oauth_states (state, subdomain, app_installation_id, user_id, code_verifier, expires_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .bind(s.state, s.subdomain, s.appInstallationId, s.userId, s.codeVerifier, s.expiresMs),
  ]);
}

/** Reads and deletes in one statement, so a state is used at most once; null when unknown or expired. */
export async function takeOAuthState(db: D1Database, state: string, nowMs: number): Promise<OAuthState | null> {
  const row = await db.prepare('DELETE FROM oauth_states WHERE state = ? RETURNING *').bind(state).first<OAuthStateRow>();
  if (!row || row.expires_ms < nowMs) return null;
  return {
    state: row.state,
    subdomain: row.subdomain,
    appInstallationId: row.app_installation_id,
    userId: row.user_id,
    codeVerifier: row.code_verifier,
    expiresMs: row.expires_ms,
  };
}
