-- The delivery pipeline: interactions (one per ended ticket/conversation), sends (one per rule and
-- recipient), opt-outs from Telnyx keywords. See edge-worker/migrations/SCHEMA.md.

CREATE TABLE interactions (
  id               TEXT PRIMARY KEY,              -- 'ix_' + random
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  ticket_id        TEXT NOT NULL,
  event            TEXT NOT NULL,                 -- ticket_solved | conversation_ended
  source           TEXT NOT NULL,                 -- trigger | event_webhook
  status           TEXT NOT NULL,                 -- received | processing | done | failed
  detail           TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  note_added       INTEGER NOT NULL DEFAULT 0,    -- the optional internal note is written once
  received_at      TEXT NOT NULL,
  received_ms      INTEGER NOT NULL,              -- for the duplicate window
  updated_at       TEXT NOT NULL
);
CREATE INDEX interactions_by_ticket ON interactions (installation_id, ticket_id, event, received_ms);

CREATE TABLE sends (
  id               TEXT PRIMARY KEY,              -- 'snd_' + random
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  interaction_id   TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
  ticket_id        TEXT NOT NULL,
  rule_id          TEXT NOT NULL,
  rule_label       TEXT NOT NULL,
  recipient_kind   TEXT NOT NULL,                 -- assigned_agent | customer | other
  -- E.164, or '' with a skip reason when no valid number was found; never returned to the app.
  recipient        TEXT NOT NULL,
  from_number      TEXT NOT NULL,
  body             TEXT NOT NULL,
  segments         INTEGER NOT NULL,
  encoding         TEXT NOT NULL,
  status           TEXT NOT NULL,                 -- shared/schemas/send.ts SendStatus
  reason           TEXT,                          -- shared/schemas/send.ts SendReason
  detail           TEXT,
  carrier_error_code TEXT,
  telnyx_message_id TEXT,
  summary_source   TEXT,                          -- workers-ai | extractive | null
  compose_note     TEXT,                          -- e.g. why the summary was left out
  scheduled_for    TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  -- Exactly once: one row per interaction, rule and recipient, reserved before Telnyx is called.
  UNIQUE (interaction_id, rule_id, recipient_kind, recipient)
);
CREATE INDEX sends_by_ticket ON sends (installation_id, ticket_id);
CREATE INDEX sends_by_recipient ON sends (installation_id, recipient, created_at);
CREATE INDEX sends_by_telnyx_id ON sends (telnyx_message_id);

CREATE TABLE opt_outs (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  phone            TEXT NOT NULL,                 -- E.164
  keyword          TEXT NOT NULL,                 -- STOP, UNSUBSCRIBE, ... or 'telnyx_40300'
  created_at       TEXT NOT NULL,
  PRIMARY KEY (installation_id, phone)
);
