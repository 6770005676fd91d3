-- Installations (tenants), rules and the audit log. See edge-worker/migrations/SCHEMA.md.

CREATE TABLE installations (
  id                TEXT PRIMARY KEY,              -- 'inst_' + random
  subdomain         TEXT NOT NULL UNIQUE,          -- Zendesk subdomain, lower case
  shared_secret     TEXT NOT NULL,                 -- encrypted; HS256 key of the app's JWTs
  webhook_secret    TEXT,                          -- encrypted; Zendesk webhook signing secret
  settings_json     TEXT NOT NULL,                 -- shared/schemas/settings.ts Settings
  telnyx_json       TEXT,                          -- encrypted JSON {apiKey, messagingProfileId, publicKey}
  zendesk_oauth_json TEXT,                         -- encrypted JSON ZendeskOAuthCredentials
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);

CREATE TABLE rules (
  id               TEXT PRIMARY KEY,               -- 'rule_' + random
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  position         INTEGER NOT NULL,
  definition_json  TEXT NOT NULL,                  -- shared/schemas/rule.ts RuleDefinition (normalised)
  version          INTEGER NOT NULL DEFAULT 1,
  created_by       TEXT NOT NULL,
  updated_by       TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX rules_by_installation ON rules (installation_id, position);

CREATE TABLE audit_log (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  actor_user_id    TEXT NOT NULL,
  actor_role       TEXT NOT NULL,
  action           TEXT NOT NULL,                  -- rule.create, rule.update, rule.delete, rules.reorder, settings.update, ...
  subject_id       TEXT,
  changes_json     TEXT NOT NULL,                  -- { field: { from, to } }, secrets as "[redacted]"
  created_at       TEXT NOT NULL
);
CREATE INDEX audit_by_installation ON audit_log (installation_id, id DESC);

-- Role lookups through the Zendesk API, cached briefly so every app request does not cost an API call.
CREATE TABLE user_roles (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  role             TEXT NOT NULL,                  -- admin | supervisor | agent | end-user
  checked_at       INTEGER NOT NULL,               -- epoch ms
  PRIMARY KEY (installation_id, user_id)
);
