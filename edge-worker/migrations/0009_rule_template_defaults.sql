-- Issue 14 added two rule fields with defaults: content.translations ([]) and sendDelayMinutes (0).
-- The interaction path reads rules.definition_json without zod (db/rules.ts, migration 0010), so
-- stored rules get the defaults written in rather than relying on the schema to fill them.
UPDATE rules
SET definition_json = json_set(definition_json, '$.content.translations', json('[]'))
WHERE json_type(definition_json, '$.content.translations') IS NULL;

UPDATE rules
SET definition_json = json_set(definition_json, '$.sendDelayMinutes', 0)
WHERE json_type(definition_json, '$.sendDelayMinutes') IS NULL;
