// D1 access for rules. The only file with SQL on the rules and rule_events tables; every query is
// scoped by installation id, so one tenant can never read or change another's rules.
// Validation happens on write: every stored definition is the output of RuleInput (http/rules-api.ts,
// rules/prepare-rule.ts). The API's reads still re-parse (a page at a time, so a definition written
// before a schema change gets its defaults on the way to the browser); the interaction path
// (listRulesForEvents) only JSON-parses, once per rules version and isolate (rules/rule-set-cache.ts).
// A schema change that adds a field without a default the engine can live without must come with
// a migration that writes it into rules.definition_json.
import { type EndEvent, RULES_PER_INSTALLATION_MAX, RuleInput, type Rule, type RuleDefinition } from '../../../shared/schemas/rule.ts';

interface RuleRow {
  id: string;
  position: number;
  definition_json: string;
  version: number;
  created_at: string;
  updated_at: string;
}

function toRule(row: RuleRow): Rule {
  // Re-parsed on API reads: the JSON column may predate a schema change; defaults fill new fields.
  return fromStored(row, RuleInput.parse(JSON.parse(row.definition_json)));
}

/** A stored rule as written (validated on write), without zod: the interaction path. */
function toStoredRule(row: RuleRow): Rule {
  return fromStored(row, JSON.parse(row.definition_json) as RuleDefinition);
}

function fromStored(row: RuleRow, def: RuleDefinition): Rule {
  return {
    id: row.id,
    position: row.position,
    ...def,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const COLUMNS = 'id, position, definition_json, version, created_at, updated_at';

/** Rules per page of the rules list (GET /v1/rules?limit=): default and most. */
export const RULES_PAGE_DEFAULT = 100;
export const RULES_PAGE_MAX = 500;

/** Where a page of the list starts: after this rule in (position, id) order. */
export interface RulesCursor {
  position: number;
  id: string;
}

export function encodeRulesCursor(c: RulesCursor): string {
  return `${c.position}.${c.id}`;
}

/** null for a cursor this API did not make. */
export function decodeRulesCursor(text: string): RulesCursor | null {
  const m = /^(-?\d{1,15})\.(rule_[A-Za-z0-9_-]{1,64})$/.exec(text);
  return m ? { position: Number(m[1]), id: m[2] as string } : null;
}

/**
 * One page of the installation's rules in evaluation order (position, then id), keyset-paged so
 * a page costs its own rows whatever its depth. `next` is null on the last page.
 */
export async function listRulesPage(
  db: D1Database,
  installationId: string,
  page: { after: RulesCursor | null; limit: number },
): Promise<{ rules: Rule[]; next: RulesCursor | null; total: number }> {
  const after = page.after;
  const rows = db
    .prepare(
      after
        ? `SELECT ${COLUMNS} FROM rules WHERE installation_id = ?1 AND (position > ?2 OR (position = ?2 AND id > ?3))
           ORDER BY position, id LIMIT ?4`
        : `SELECT ${COLUMNS} FROM rules WHERE installation_id = ?1 ORDER BY position, id LIMIT ?4`,
    )
    .bind(installationId, after?.position ?? 0, after?.id ?? '', page.limit + 1);
  const count = db.prepare('SELECT COUNT(*) AS n FROM rules WHERE installation_id = ?').bind(installationId);
  const [list, total] = await db.batch<RuleRow | { n: number }>([rows, count]);
  const found = (list?.results ?? []) as RuleRow[];
  const rules = found.slice(0, page.limit).map(toRule);
  const last = rules[rules.length - 1];
  return {
    rules,
    next: found.length > page.limit && last ? { position: last.position, id: last.id } : null,
    total: ((total?.results[0] as { n: number } | undefined)?.n ?? 0),
  };
}

/**
 * The rules that fire on any of `events` (rule_events, migration 0010), in evaluation order, not
 * re-validated (see the top of this file). Disabled rules are included: the pipeline records the
 * ones that would have matched.
 */
export async function listRulesForEvents(db: D1Database, installationId: string, events: readonly EndEvent[]): Promise<Rule[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM rules WHERE installation_id = ?1
         AND id IN (SELECT rule_id FROM rule_events WHERE installation_id = ?1 AND event IN (SELECT value FROM json_each(?2)))
       ORDER BY position, id`,
    )
    .bind(installationId, JSON.stringify(events))
    .all<RuleRow>();
  return results.map(toStoredRule);
}

/** Every rule id of the installation, in evaluation order (reorder checks the given list against it). */
export async function listRuleIds(db: D1Database, installationId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT id FROM rules WHERE installation_id = ? ORDER BY position, id')
    .bind(installationId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Every rule write goes in one batch with this (migration 0010): per-isolate rule caches see it. */
export function bumpRulesVersionStatement(db: D1Database, installationId: string): D1PreparedStatement {
  return db.prepare('UPDATE installations SET rules_version = rules_version + 1 WHERE id = ?').bind(installationId);
}

export async function readRule(db: D1Database, installationId: string, id: string): Promise<Rule | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM rules WHERE installation_id = ? AND id = ?`)
    .bind(installationId, id)
    .first<RuleRow>();
  return row ? toRule(row) : null;
}

export function insertRuleStatement(
  db: D1Database,
  installationId: string,
  rule: { id: string; definition: RuleDefinition; actor: string; now: string },
): D1PreparedStatement {
  // Appended at the end: position = 1 + the current maximum, computed in the same statement.
  // Inserts nothing (changes 0) when the installation's rule cap would be exceeded (checked in
  // the writing statement, so two saves at once cannot both take the last slot).
  return db
    .prepare(
      `INSERT INTO rules (id, installation_id, position, definition_json, version, created_by, updated_by, created_at, updated_at)
       SELECT ?1, ?2, (SELECT COALESCE(MAX(position) + 1, 0) FROM rules WHERE installation_id = ?2), ?3, 1, ?4, ?4, ?5, ?5
       WHERE (SELECT COUNT(*) FROM rules WHERE installation_id = ?2) < ?6`,
    )
    .bind(rule.id, installationId, JSON.stringify(rule.definition), rule.actor, rule.now, RULES_PER_INSTALLATION_MAX);
}

export function updateRuleStatement(
  db: D1Database,
  installationId: string,
  rule: { id: string; definition: RuleDefinition; expectedVersion: number; actor: string; now: string },
): D1PreparedStatement {
  // Changes nothing when the version moved on.
  return db
    .prepare(
      `UPDATE rules SET definition_json = ?1, version = version + 1, updated_by = ?2, updated_at = ?3
       WHERE installation_id = ?4 AND id = ?5 AND version = ?6`,
    )
    .bind(JSON.stringify(rule.definition), rule.actor, rule.now, installationId, rule.id, rule.expectedVersion);
}

export function deleteRuleStatement(db: D1Database, installationId: string, id: string): D1PreparedStatement {
  return db.prepare('DELETE FROM rules WHERE installation_id = ? AND id = ?').bind(installationId, id);
}

/**
 * Positions 0..n-1 in the given order, in ONE statement whatever n (10,000 rules would be 10,000
 * statements otherwise, past D1's queries per invocation). The ids are one JSON parameter: D1
 * binds at most 100 parameters (developers.cloudflare.com/d1/platform/limits/). UPDATE ... FROM
 * is SQLite 3.33+ (sqlite.org/lang_update.html#update_from); json_each's `key` is the index.
 */
export function setPositionsStatement(db: D1Database, installationId: string, orderedIds: readonly string[], now: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE rules SET position = j.key, updated_at = ?1 FROM json_each(?2) AS j
       WHERE rules.installation_id = ?3 AND rules.id = j.value`,
    )
    .bind(now, JSON.stringify(orderedIds), installationId);
}

export async function countRules(db: D1Database, installationId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COUNT(*) AS n FROM rules WHERE installation_id = ?')
    .bind(installationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
