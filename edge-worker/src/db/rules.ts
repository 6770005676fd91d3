// D1 access for rules. The only file with SQL on the rules table; every query is scoped by
// installation id, so one tenant can never read or change another's rules.
import { RuleInput, type Rule, type RuleDefinition } from '../../../shared/schemas/rule.ts';

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
  return db
    .prepare(
      `INSERT INTO rules (id, installation_id, position, definition_json, version, created_by, updated_by, created_at, updated_at)
       VALUES (?1, ?2, (SELECT COALESCE(MAX(position) + 1, 0) FROM rules WHERE installation_id = ?2), ?3, 1, ?4, ?4, ?5, ?5)`,
    )
    .bind(rule.id, installationId, JSON.stringify(rule.definition), rule.actor, rule.now);
}

export function updateRuleStatement(
  db: D1Database,
  installationId: string,
  rule: { id: string; definition: RuleDefinition; expectedVersion: number; actor: string; now: string },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE rules SET definition_json = ?, version = version + 1, updated_by = ?, updated_at = ?
       WHERE installation_id = ? AND id = ? AND version = ?`,
    )
    .bind(JSON.stringify(rule.definition), rule.actor, rule.now, installationId, rule.id, rule.expectedVersion);
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
