-- Issue 13, fewer round trips. See edge-worker/migrations/SCHEMA.md ("Round trips", migration 0013).
--
-- 1. A version of each installation row, moved on by every change of the row (settings, Telnyx
--    or Zendesk credentials, status, setup, rules version: any UPDATE). The interaction job's
--    claim returns it (db/interactions.ts claimInteraction), so the installation it read before
--    in this isolate is used again while the version is the same (db/installations.ts
--    readInstallationAt) instead of one more round trip per interaction. A trigger rather than
--    each writer: a writer added later cannot forget it. The WHEN clause stops the trigger's own
--    UPDATE from firing it again even with recursive triggers on (they are off by default,
--    https://sqlite.org/pragma.html#pragma_recursive_triggers).
ALTER TABLE installations ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER installations_row_version AFTER UPDATE ON installations
WHEN NEW.row_version = OLD.row_version
BEGIN
  UPDATE installations SET row_version = OLD.row_version + 1 WHERE id = NEW.id;
END;

-- 2. Ingest as one statement (db/interactions.ts recordReceipt): the webhook inserts the end event
--    only; these triggers, inside that statement and so inside its transaction, create the
--    interaction it starts or move on the one it joins. Before, the same work took four statements
--    in a batch. Foreign keys are checked at the end of the statement
--    (https://sqlite.org/foreignkeys.html#fk_deferred: "immediate" constraints are checked at the
--    conclusion of each statement), so the event row may name the interaction its trigger creates.
--    Times are the receipt's own (received_ms), written as JavaScript's toISOString() writes them.
CREATE TRIGGER interaction_events_start AFTER INSERT ON interaction_events
WHEN NEW.interaction_id = NEW.receipt_id
BEGIN
  INSERT INTO interactions (id, installation_id, ticket_id, event, source, status, received_at, received_ms, updated_at)
  VALUES (NEW.interaction_id, NEW.installation_id, NEW.ticket_id, NEW.event, NEW.source, 'received',
          strftime('%Y-%m-%dT%H:%M:%fZ', NEW.received_ms / 1000.0, 'unixepoch'), NEW.received_ms,
          strftime('%Y-%m-%dT%H:%M:%fZ', NEW.received_ms / 1000.0, 'unixepoch'));
END;

-- A joining end event: the interaction is processed again (only its new sends are added), so a
-- finished one goes back to received and the job that processes the version before finishes
-- nothing (db/interactions.ts finishInteraction).
CREATE TRIGGER interaction_events_join AFTER INSERT ON interaction_events
WHEN NEW.interaction_id != NEW.receipt_id
BEGIN
  UPDATE interactions SET events_version = events_version + 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.received_ms / 1000.0, 'unixepoch'),
    status = CASE WHEN status IN ('done', 'failed') THEN 'received' ELSE status END
  WHERE id = NEW.interaction_id;
END;

-- 3. The claim reads the interaction's sends by interaction (how many are stored; a rerun reads
--    them): the UNIQUE (interaction_id, rule_id, recipient_kind, recipient) index of 0002 serves it.

-- 4. The daily budget counted at insert: the interaction job stores a send it makes at once with
--    its `budget_day` already set when the day has room (db/sends.ts insertPlannedSends checks the
--    day's count and the rows before it in the same statement), so this trigger adds it to the
--    day's counter inside that statement, as sends_budget_count (0008) does for a send counted
--    later by its UPDATE. A send is counted once either way: the UPDATE only sets a NULL budget_day.
CREATE TRIGGER sends_budget_count_insert AFTER INSERT ON sends
WHEN NEW.budget_day IS NOT NULL
BEGIN
  INSERT INTO daily_budget (installation_id, day, messages, cost_micros)
  VALUES (NEW.installation_id, NEW.budget_day, 1, COALESCE(NEW.budget_cost_micros, 0))
  ON CONFLICT (installation_id, day) DO UPDATE SET messages = messages + 1, cost_micros = cost_micros + excluded.cost_micros;
END;
