// D1 access for the retention purge (scheduled/purge-expired-data.ts): deletes, per installation,
// rows older than its retention, at most `limit` per statement so that one run stays bounded.
// Lists travel as ONE JSON parameter (json_each): D1 binds at most 100 parameters per statement
// (https://developers.cloudflare.com/d1/platform/limits/).
//
// Deleting sends never changes the delivery report: report_daily has no reference to sends and
// no DELETE trigger (migration 0006), and its counts are kept.

export interface PurgeCutoffs {
  /** Interactions (with their sends and end events), replies, HELP answers, budget days: before this, epoch ms. */
  dataBeforeMs: number;
  /** Audit entries before this, epoch ms. */
  auditBeforeMs: number;
  /** Cached role and ticket-access answers (5-minute caches) before this, epoch ms. */
  cacheBeforeMs: number;
}

export interface PurgedCounts {
  interactions: number;
  sends: number;
  replies: number;
  helpAnswers: number;
  budgetDays: number;
  auditEntries: number;
  cacheRows: number;
}

export function emptyPurgedCounts(): PurgedCounts {
  return { interactions: 0, sends: 0, replies: 0, helpAnswers: 0, budgetDays: 0, auditEntries: 0, cacheRows: 0 };
}

/**
 * One bounded round for one installation. An interaction is purged whole (its sends, its end
 * events) and only once nothing of it is still on its way (no send reserved, held or sending).
 */
export async function purgeRound(db: D1Database, installationId: string, cut: PurgeCutoffs, limit: number): Promise<PurgedCounts> {
  const { results: old } = await db
    .prepare(
      `SELECT id FROM interactions i WHERE installation_id = ?1 AND received_ms < ?2 AND status IN ('done', 'failed')
         AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.interaction_id = i.id AND s.status IN ('reserved', 'held', 'sending'))
       ORDER BY received_ms LIMIT ?3`,
    )
    .bind(installationId, cut.dataBeforeMs, limit)
    .all<{ id: string }>();
  const ids = JSON.stringify(old.map((r) => r.id));
  const dataBefore = new Date(cut.dataBeforeMs).toISOString();
  const results = await db.batch([
    db.prepare('DELETE FROM sends WHERE installation_id = ?1 AND interaction_id IN (SELECT value FROM json_each(?2))').bind(installationId, ids),
    db.prepare('DELETE FROM interaction_events WHERE installation_id = ?1 AND interaction_id IN (SELECT value FROM json_each(?2))').bind(installationId, ids),
    db.prepare('DELETE FROM interactions WHERE installation_id = ?1 AND id IN (SELECT value FROM json_each(?2))').bind(installationId, ids),
    db
      .prepare('DELETE FROM replies WHERE rowid IN (SELECT rowid FROM replies WHERE installation_id = ?1 AND received_at < ?2 LIMIT ?3)')
      .bind(installationId, dataBefore, limit),
    db
      .prepare('DELETE FROM help_answers WHERE rowid IN (SELECT rowid FROM help_answers WHERE installation_id = ?1 AND answered_ms < ?2 LIMIT ?3)')
      .bind(installationId, cut.dataBeforeMs, limit),
    db.prepare('DELETE FROM daily_budget WHERE installation_id = ?1 AND day < ?2').bind(installationId, dataBefore.slice(0, 10)),
    db
      .prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE installation_id = ?1 AND created_at < ?2 ORDER BY id LIMIT ?3)')
      .bind(installationId, new Date(cut.auditBeforeMs).toISOString(), limit),
    db
      .prepare('DELETE FROM ticket_access WHERE rowid IN (SELECT rowid FROM ticket_access WHERE installation_id = ?1 AND checked_at < ?2 LIMIT ?3)')
      .bind(installationId, cut.cacheBeforeMs, limit),
  ]);
  const n = (i: number) => results[i]?.meta.changes ?? 0;
  return {
    sends: n(0),
    interactions: n(2),
    replies: n(3),
    helpAnswers: n(4),
    budgetDays: n(5),
    auditEntries: n(6),
    cacheRows: n(7),
  };
}

/** Installations in id order after `afterId` (paging the purge), with their settings. */
export async function listInstallationsForPurge(
  db: D1Database,
  afterId: string,
  limit: number,
): Promise<Array<{ id: string; settings_json: string }>> {
  const { results } = await db
    .prepare('SELECT id, settings_json FROM installations WHERE id > ? ORDER BY id LIMIT ?')
    .bind(afterId, limit)
    .all<{ id: string; settings_json: string }>();
  return results;
}
