-- Issue 13, rules compiled once. See edge-worker/migrations/SCHEMA.md ("Rules version and events").
--
-- 1. A version of the installation's rule set. Every rule write (create, replace, patch,
--    duplicate, delete, reorder) bumps it in the same D1 batch as the write
--    (db/rules.ts bumpRulesVersionStatement). The interaction job reads it with the installation
--    row it reads anyway, so a per-isolate cache of the compiled rules (rules/rule-set-cache.ts)
--    knows it is current without another round trip.
ALTER TABLE installations ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;

-- 2. The end events each rule fires on, one row per (rule, event), so loading the rules of an
--    interaction reads only the rules of its event(s) through an index, not every rule of the
--    installation. Derived from rules.definition_json ($.conditions.events) by the triggers below
--    inside the very statement that writes the rule, so it cannot drift from the definition;
--    removed with the rule (ON DELETE CASCADE: D1 enforces foreign keys by default,
--    developers.cloudflare.com/d1/sql-api/foreign-keys/). SQL as SQLite runs it: D1 uses
--    SQLite's engine (developers.cloudflare.com/d1/sql-api/sql-statements/).
CREATE TABLE rule_events (
  installation_id  TEXT NOT NULL,
  event            TEXT NOT NULL,                 -- shared/schemas/rule.ts EndEvent
  rule_id          TEXT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
  PRIMARY KEY (installation_id, event, rule_id)
) WITHOUT ROWID;
CREATE INDEX rule_events_by_rule ON rule_events (rule_id);

CREATE TRIGGER rule_events_after_insert AFTER INSERT ON rules
BEGIN
  INSERT OR IGNORE INTO rule_events (installation_id, event, rule_id)
    SELECT NEW.installation_id, value, NEW.id FROM json_each(NEW.definition_json, '$.conditions.events');
END;

CREATE TRIGGER rule_events_after_update AFTER UPDATE OF definition_json ON rules
BEGIN
  DELETE FROM rule_events WHERE rule_id = OLD.id;
  INSERT OR IGNORE INTO rule_events (installation_id, event, rule_id)
    SELECT NEW.installation_id, value, NEW.id FROM json_each(NEW.definition_json, '$.conditions.events');
END;

-- Rules stored before this migration.
INSERT OR IGNORE INTO rule_events (installation_id, event, rule_id)
  SELECT rules.installation_id, e.value, rules.id FROM rules, json_each(rules.definition_json, '$.conditions.events') AS e;
