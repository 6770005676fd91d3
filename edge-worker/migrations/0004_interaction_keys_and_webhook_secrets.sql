-- Issue 11, part A. See edge-worker/migrations/SCHEMA.md.
--
-- 1. An interaction is keyed on the ending itself, not on a 60-minute window: every end event
--    Zendesk reports is one row here, keyed by ticket, event and Zendesk's own time of that ending
--    (the ticket's updated_at to the minute, which the trigger body and the event webhook both
--    carry). Redeliveries and the two sources of one solve have the same key; a later solve does
--    not. A conversation's end and the solve of the same conversation share one interaction.
CREATE TABLE interaction_events (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  ticket_id        TEXT NOT NULL,
  event            TEXT NOT NULL,                 -- ticket_solved | conversation_ended
  -- 'YYYY-MM-DDTHH:MMZ' (Zendesk's time of the ending, to the minute), or 'r:<epoch ms>' for a
  -- body without one (a trigger installed before this change): those collapse for 60 minutes.
  moment           TEXT NOT NULL,
  interaction_id   TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
  receipt_id       TEXT NOT NULL,                 -- the receipt that recorded it (tells a join from a duplicate)
  source           TEXT NOT NULL,                 -- trigger | event_webhook
  received_ms      INTEGER NOT NULL,
  PRIMARY KEY (installation_id, ticket_id, event, moment)
);
CREATE INDEX interaction_events_by_interaction ON interaction_events (interaction_id);

-- Bumped when an end event joins the interaction; the pipeline marks it done only for the
-- version it processed, so an event that joins while it runs is processed too.
ALTER TABLE interactions ADD COLUMN events_version INTEGER NOT NULL DEFAULT 1;

-- Interactions recorded before this migration: their one event, keyed by receipt time.
INSERT INTO interaction_events (installation_id, ticket_id, event, moment, interaction_id, receipt_id, source, received_ms)
SELECT installation_id, ticket_id, event, 'r:' || received_ms, id, id, source, received_ms FROM interactions;

-- 2. Signing secrets per Zendesk webhook (the X-Zendesk-Webhook-Id header selects one): the
--    trigger webhook and an event-subscription webhook each have their own. installations.
--    webhook_secret stays as the legacy single secret (provisioning, PUT /v1/settings/zendesk-webhook).
CREATE TABLE zendesk_webhook_secrets (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  webhook_id       TEXT NOT NULL,                 -- Zendesk's webhook id
  secret           TEXT NOT NULL,                 -- AES-256-GCM ciphertext (crypto/secrets.ts), AAD installation id + webhook id
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (installation_id, webhook_id)
);
