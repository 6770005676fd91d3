// D1 access for rules. The only file with SQL on the rules table; every query is scoped by
// installation id, so one tenant can never read or change another's rules.
import {
  RECIPIENTS_PER_INSTALLATION_MAX,
  RULES_PER_INSTALLATION_MAX,
  RuleInput,
  type Rule,
  type RuleDefinition,
} from '../../../shared/schemas/rule.ts';

interface RuleRow {
  id: string;
  position: number;
  definition_json: string;
  version: number;
  created_at: string;
  updated_at: string;
}

function toRule(row: RuleRow): Rule {
  // Re-parsed on read: the JSON column may predate a schema change; defaults fill new fields.
  const def = RuleInput.parse(JSON.parse(row.definition_json));
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

/**
 * Recipients of one stored rule (fixed numbers + agent + customer), in SQL: the caps are checked
 * again inside the writing statement, so two saves at once cannot both take the last slots.
 * JSON true reads as 1 (https://sqlite.org/json1.html#jex).
 */
const SLOTS_SQL = `(COALESCE(json_array_length(definition_json, '$.recipients.otherNumbers'), 0)
  + COALESCE(json_extract(definition_json, '$.recipients.assignedAgent'), 0)
  + COALESCE(json_extract(definition_json, '$.recipients.customer'), 0))`;

function slotsOf(definition: RuleDefinition): number {
  const r = definition.recipients;
  return r.otherNumbers.length + (r.assignedAgent ? 1 : 0) + (r.customer ? 1 : 0);
}

export async function listRules(db: D1Database, installationId: string): Promise<Rule[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM rules WHERE installation_id = ? ORDER BY position, created_at`)
    .bind(installationId)
    .all<RuleRow>();
  return results.map(toRule);
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
  // Inserts nothing (changes 0) when the installation's caps would be exceeded.
  return db
    .prepare(
      `INSERT INTO rules (id, installation_id, position, definition_json, version, created_by, updated_by, created_at, updated_at)
       SELECT ?1, ?2, (SELECT COALESCE(MAX(position) + 1, 0) FROM rules WHERE installation_id = ?2), ?3, 1, ?4, ?4, ?5, ?5
       WHERE (SELECT COUNT(*) FROM rules WHERE installation_id = ?2) < ?6
         AND (SELECT COALESCE(SUM(${SLOTS_SQL}), 0) FROM rules WHERE installation_id = ?2) + ?7 <= ?8`,
    )
    .bind(
      rule.id, installationId, JSON.stringify(rule.definition), rule.actor, rule.now,
      RULES_PER_INSTALLATION_MAX, slotsOf(rule.definition), RECIPIENTS_PER_INSTALLATION_MAX,
    );
}

export function updateRuleStatement(
  db: D1Database,
  installationId: string,
  rule: { id: string; definition: RuleDefinition; expectedVersion: number; actor: string; now: string },
): D1PreparedStatement {
  // Changes nothing when the version moved on or the recipient cap would be exceeded.
  return db
    .prepare(
      `UPDATE rules SET definition_json = ?1, version = version + 1, updated_by = ?2, updated_at = ?3
       WHERE installation_id = ?4 AND id = ?5 AND version = ?6
         AND (SELECT COALESCE(SUM(${SLOTS_SQL}), 0) FROM rules WHERE installation_id = ?4 AND id != ?5) + ?7 <= ?8`,
    )
    .bind(
      JSON.stringify(rule.definition), rule.actor, rule.now, installationId, rule.id, rule.expectedVersion,
      slotsOf(rule.definition), RECIPIENTS_PER_INSTALLATION_MAX,
    );
}

export function deleteRuleStatement(db: D1Database, installationId: string, id: string): D1PreparedStatement {
  return db.prepare('DELETE FROM rules WHERE installation_id = ? AND id = ?').bind(installationId, id);
}

export function setPositionStatements(
  db: D1Database,
  installationId: string,
  orderedIds: readonly string[],
  now: string,
): D1PreparedStatement[] {
  const stmt = db.prepare('UPDATE rules SET position = ?, updated_at = ? WHERE installation_id = ? AND id = ?');
  return orderedIds.map((id, i) => stmt.bind(i, now, installationId, id));
}

export async function countRules(db: D1Database, installationId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COUNT(*) AS n FROM rules WHERE installation_id = ?')
    .bind(installationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
