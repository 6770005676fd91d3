// D1 access for the audit log: who changed what, when. Scoped by installation.
import type { AuditEntry } from '../../../shared/schemas/api.ts';

export interface AuditRecord {
  installationId: string;
  actorUserId: string;
  actorRole: string;
  action: string;
  subjectId: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  now: string;
}

export function insertAuditStatement(db: D1Database, r: AuditRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit_log (installation_id, actor_user_id, actor_role, action, subject_id, changes_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(r.installationId, r.actorUserId, r.actorRole, r.action, r.subjectId, JSON.stringify(r.changes), r.now);
}

export async function listAudit(
  db: D1Database,
  installationId: string,
  opts: { limit: number; beforeId?: number | undefined },
): Promise<AuditEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT id, actor_user_id, actor_role, action, subject_id, changes_json, created_at FROM audit_log
       WHERE installation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    )
    .bind(installationId, opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit)
    .all<{
      id: number;
      actor_user_id: string;
      actor_role: string;
      action: string;
      subject_id: string | null;
      changes_json: string;
      created_at: string;
    }>();
  return results.map((r) => ({
    id: r.id,
    at: r.created_at,
    actorUserId: r.actor_user_id,
    actorRole: r.actor_role,
    action: r.action,
    subjectId: r.subject_id,
    changes: JSON.parse(r.changes_json) as AuditEntry['changes'],
  }));
}

/** The changed top-level fields between two objects, for the audit log. */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  redact: readonly string[] = [],
): Record<string, { from: unknown; to: unknown }> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of keys) {
    const from = before?.[k] ?? null;
    const to = after?.[k] ?? null;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[k] = redact.includes(k) ? { from: from === null ? null : '[redacted]', to: to === null ? null : '[redacted]' } : { from, to };
  }
  return changes;
}
