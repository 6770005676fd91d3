-- Issue 12b: spend limits and retention. See edge-worker/migrations/SCHEMA.md ("Daily budget",
-- "Retention and erasure").
--
-- 1. The daily SMS budget. A send is counted once, on the UTC day it is first handed to Telnyx,
--    by ONE conditional statement (edge-worker/src/db/daily-budget.ts): it sets `budget_day` only
--    while the day's count is below the limit, and the trigger below adds the send to the day's
--    counter inside that same statement. D1 runs statements one at a time, so two consumers can
--    never both take the last slot, and a send already counted (a retry) is never counted again.
ALTER TABLE sends ADD COLUMN budget_day TEXT;          -- 'YYYY-MM-DD' (UTC) the send was counted on; NULL = not yet
ALTER TABLE sends ADD COLUMN budget_cost_micros INTEGER; -- its estimated cost then: segments x estimatedCostPerSegment, millionths

CREATE TABLE daily_budget (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  day              TEXT NOT NULL,                 -- 'YYYY-MM-DD', UTC
  messages         INTEGER NOT NULL DEFAULT 0,    -- sends counted that day
  cost_micros      INTEGER NOT NULL DEFAULT 0,    -- their estimated cost, millionths
  exceeded_at      TEXT,                          -- when a send was first held that day (admins were told once)
  PRIMARY KEY (installation_id, day)
) WITHOUT ROWID;

CREATE TRIGGER sends_budget_count AFTER UPDATE OF budget_day ON sends
WHEN OLD.budget_day IS NULL AND NEW.budget_day IS NOT NULL
BEGIN
  INSERT INTO daily_budget (installation_id, day, messages, cost_micros)
  VALUES (NEW.installation_id, NEW.budget_day, 1, COALESCE(NEW.budget_cost_micros, 0))
  ON CONFLICT (installation_id, day) DO UPDATE SET messages = messages + 1, cost_micros = cost_micros + excluded.cost_micros;
END;

-- Sends held for the budget: the admin screen's count and the release when an admin raises it.
CREATE INDEX sends_held_for_budget ON sends (installation_id, scheduled_for) WHERE status = 'held' AND reason = 'budget_exceeded';

-- 2. Retention: the purge (edge-worker/src/scheduled/purge-expired-data.ts) reads by age.
CREATE INDEX interactions_by_age ON interactions (installation_id, received_ms);
CREATE INDEX replies_by_age ON replies (installation_id, received_at);

-- 3. The frequency cap is on by default now (3 per 24 h). Every installation stored
--    `frequencyCap: null` so far, whether an admin turned it off or never looked at it. Only an
--    audited settings change tells them apart: where no admin ever changed the cap, the stored
--    null is removed, so the default applies; a null an admin chose stays "off".
UPDATE installations SET settings_json = json_remove(settings_json, '$.frequencyCap')
WHERE COALESCE(json_type(settings_json, '$.frequencyCap'), 'null') = 'null'
  AND NOT EXISTS (
    SELECT 1 FROM audit_log a
    WHERE a.installation_id = installations.id AND a.action = 'settings.update'
      AND json_type(a.changes_json, '$.frequencyCap') IS NOT NULL
  );
