-- Issue 12 (resilience): outages delay work instead of failing it, and a sweeper finds work whose
-- queue job was lost. See edge-worker/migrations/SCHEMA.md ("Outages and the sweeper").
--
-- `retry_at`: when the job that will pick this row up again is due (ISO). Set whenever the worker
--   re-enqueues the row itself (an outage wait, the sweeper). A row still unfinished well after
--   COALESCE(retry_at, updated_at) has no live job: the sweeper re-enqueues it.
-- `outage_since`: the first failure of the current outage (ISO). Kept while the row waits, cleared
--   when it moves on; the row fails only when it is older than the installation's
--   outageHorizonHours.
-- `waiting_for`: interactions only: 'zendesk' while waiting out a Zendesk outage (the sidebar
--   says "Waiting for Zendesk"); sends wait only for Telnyx.
ALTER TABLE interactions ADD COLUMN retry_at TEXT;
ALTER TABLE interactions ADD COLUMN outage_since TEXT;
ALTER TABLE interactions ADD COLUMN waiting_for TEXT;
ALTER TABLE sends ADD COLUMN retry_at TEXT;
ALTER TABLE sends ADD COLUMN outage_since TEXT;

-- The sweeper's scans: only unfinished rows are indexed (the partial-index WHERE is repeated
-- verbatim in its queries, so SQLite uses these).
CREATE INDEX interactions_unfinished ON interactions (updated_at) WHERE status IN ('received', 'processing');
CREATE INDEX sends_in_flight ON sends (updated_at) WHERE status IN ('reserved', 'held', 'sending');
-- The admin's "Needs attention" list: failed rows of one installation, newest first.
CREATE INDEX interactions_failed ON interactions (installation_id, updated_at) WHERE status = 'failed';
CREATE INDEX sends_failed ON sends (installation_id, updated_at) WHERE status = 'failed';
