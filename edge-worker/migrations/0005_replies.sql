-- Replies: inbound SMS to a sender number of ours (Telnyx message.received), one row per Telnyx
-- message id (insert-first: a redelivered webhook finds the row and does nothing), and when a HELP
-- was last answered per number (at most once per 24 h). See edge-worker/migrations/SCHEMA.md.

CREATE TABLE replies (
  installation_id   TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  telnyx_message_id TEXT NOT NULL,                -- Telnyx's id of the inbound message (signed)
  from_phone        TEXT NOT NULL,                -- E.164; never returned to the app (masked)
  to_number         TEXT NOT NULL,                -- our sender number it was sent to
  body              TEXT NOT NULL,
  media_json        TEXT NOT NULL DEFAULT '[]',   -- [{url, contentType}] as Telnyx gave them (linked, not downloaded)
  send_id           TEXT,                         -- the send it answers (latest from to_number to from_phone)
  ticket_id         TEXT,
  status            TEXT NOT NULL,                -- pending | applied | failed | ignored | keyword
  reason            TEXT,                         -- ignored: no_matching_send | outside_window | no_ticket; keyword: opt_out | opt_in | help; failed: why
  comment_kind      TEXT,                         -- public (as the requester) | internal
  attempts          INTEGER NOT NULL DEFAULT 0,
  received_at       TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  PRIMARY KEY (installation_id, telnyx_message_id)
);
CREATE INDEX replies_by_ticket ON replies (installation_id, ticket_id);

CREATE TABLE help_answers (
  installation_id   TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  phone             TEXT NOT NULL,                -- E.164 of who texted HELP
  answered_ms       INTEGER NOT NULL,
  PRIMARY KEY (installation_id, phone)
);
