-- Identity from Zendesk and install by OAuth consent (docs/identity-and-install.md).
-- The app's HS256 shared secret is gone: Zendesk signs each page load (RS256) and the worker
-- issues its own sessions, so nothing per installation is handed to browser code any more.
ALTER TABLE installations DROP COLUMN shared_secret;
-- The Zendesk app installation this account's installation is bound to (the `aud` of Zendesk's
-- signed page loads). NULL until the first verified load or Connect.
ALTER TABLE installations ADD COLUMN app_installation_id TEXT;
-- 'active' | 'reconnect_needed' (Zendesk refused to refresh the OAuth token).
ALTER TABLE installations ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE installations ADD COLUMN connected_by TEXT;           -- Zendesk user id of the admin who connected
ALTER TABLE installations ADD COLUMN connected_at TEXT;
-- Epoch ms when the stored refresh token lapses if unused (the token refresh cron reads it).
ALTER TABLE installations ADD COLUMN refresh_expires_ms INTEGER;
-- {webhookId, triggerIds}: what the one-click setup created in Zendesk, removed on disconnect.
ALTER TABLE installations ADD COLUMN zendesk_setup_json TEXT;
CREATE INDEX installations_by_refresh_expiry ON installations (refresh_expires_ms) WHERE refresh_expires_ms IS NOT NULL;

-- Pending "Connect Zendesk" consents: single use, 10 minutes. The PKCE verifier stays here.
CREATE TABLE oauth_states (
  state                TEXT PRIMARY KEY,             -- random, sent through Zendesk's consent page
  subdomain            TEXT NOT NULL,
  app_installation_id  TEXT NOT NULL,
  user_id              TEXT NOT NULL,                -- who pressed Connect (must be who consents)
  code_verifier        TEXT NOT NULL,
  expires_ms           INTEGER NOT NULL
);

-- Role lookups also remember what the user may see: {suspended, ticketRestriction, groupIds, organizationId}.
ALTER TABLE user_roles ADD COLUMN access_json TEXT;

-- Whether a user may view a ticket (sidebar data), decided from Zendesk and cached briefly.
CREATE TABLE ticket_access (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  ticket_id        TEXT NOT NULL,
  allowed          INTEGER NOT NULL,
  checked_at       INTEGER NOT NULL,               -- epoch ms
  PRIMARY KEY (installation_id, user_id, ticket_id)
);
