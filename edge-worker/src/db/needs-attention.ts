// D1 access for the "Needs attention" list (http/attention-api.ts): failed interactions and failed
// sends of one installation, and their bulk retry. Every retry is one conditional UPDATE per
// table (failed -> received / reserved, RETURNING the rows it moved), so two admins pressing
// Retry at once reopen each row once, and a reopened send is still claimed once before Telnyx is
// called (db/sends.ts claimSendForJob). Reprocessing an interaction never adds a second send for a
// rule and recipient already recorded (INSERT OR IGNORE on the sends' unique key).
// Lists of ids travel as one JSON parameter (json_each): D1 binds at most 100 parameters.
import type { SendReason } from '../../../shared/schemas/send.ts';
import type { InteractionRow } from './interactions.ts';
import type { SendRow } from './sends.ts';

/** Failed sends a retry sends again without asking; outcome_unknown only when confirmed. */
export const RETRYABLE_REASONS: readonly SendReason[] = ['telnyx_rejected', 'carrier_failed', 'retries_exhausted'];
export const LIST_LIMIT = 100;

export async function listNeedsAttention(
  db: D1Database,
  installationId: string,
): Promise<{ interactions: InteractionRow[]; sends: SendRow[]; waiting: WaitingRow[]; truncated: boolean }> {
  // The partial indexes interactions_failed / sends_failed (migration 0007) serve the first two.
  const [ix, sends, waiting] = await db.batch([
    db.prepare("SELECT * FROM interactions WHERE installation_id = ? AND status = 'failed' ORDER BY updated_at DESC LIMIT ?").bind(installationId, LIST_LIMIT + 1),
    db.prepare("SELECT * FROM sends WHERE installation_id = ? AND status = 'failed' ORDER BY updated_at DESC LIMIT ?").bind(installationId, LIST_LIMIT + 1),
    db
      .prepare(
        `SELECT * FROM (
           SELECT 'interaction' AS kind, id, ticket_id, waiting_for, retry_at, outage_since, detail FROM interactions
             WHERE installation_id = ?1 AND status IN ('received', 'processing') AND waiting_for IS NOT NULL
           UNION ALL
           SELECT 'send', id, ticket_id, 'telnyx', retry_at, outage_since, detail FROM sends
             WHERE installation_id = ?1 AND status IN ('reserved', 'held', 'sending') AND status = 'reserved' AND outage_since IS NOT NULL
         ) ORDER BY outage_since LIMIT ?2`,
      )
      .bind(installationId, LIST_LIMIT),
  ]);
  const i = (ix?.results ?? []) as InteractionRow[];
  const s = (sends?.results ?? []) as SendRow[];
  return {
    interactions: i.slice(0, LIST_LIMIT),
    sends: s.slice(0, LIST_LIMIT),
    waiting: (waiting?.results ?? []) as WaitingRow[],
    truncated: i.length > LIST_LIMIT || s.length > LIST_LIMIT,
  };
}

export interface WaitingRow {
  kind: 'interaction' | 'send';
  id: string;
  ticket_id: string;
  waiting_for: 'zendesk' | 'telnyx';
  retry_at: string | null;
  outage_since: string | null;
  detail: string | null;
}

export interface RetryCount {
  interactions: number;
  sends: number;
  unknown: number;
}

/** What a retry of these ids would move, without moving anything. */
export async function countRetry(db: D1Database, installationId: string, interactionIds: readonly string[], sendIds: readonly string[]): Promise<RetryCount> {
  const row = await db
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM interactions WHERE installation_id = ?1 AND status = 'failed' AND id IN (SELECT value FROM json_each(?2))) AS interactions,
         (SELECT COUNT(*) FROM sends WHERE installation_id = ?1 AND status = 'failed' AND reason IN (SELECT value FROM json_each(?4))
            AND id IN (SELECT value FROM json_each(?3))) AS sends,
         (SELECT COUNT(*) FROM sends WHERE installation_id = ?1 AND status = 'failed' AND reason = 'outcome_unknown'
            AND id IN (SELECT value FROM json_each(?3))) AS unknown`,
    )
    .bind(installationId, JSON.stringify(interactionIds), JSON.stringify(sendIds), JSON.stringify(RETRYABLE_REASONS))
    .first<RetryCount>();
  return row ?? { interactions: 0, sends: 0, unknown: 0 };
}

/**
 * Reopens the failed interactions (-> received) and retryable failed sends (-> reserved; with
 * includeUnknown also outcome_unknown ones) among the ids. Returns what it moved: exactly those
 * rows need a job. Their due time is now, so the sweeper re-enqueues them should the enqueue fail.
 */
export async function reopenForRetry(
  db: D1Database,
  installationId: string,
  o: { interactionIds: readonly string[]; sendIds: readonly string[]; includeUnknown: boolean; now: string },
): Promise<{ interactions: string[]; sends: Array<{ id: string; unknown: boolean }> }> {
  const reasons = o.includeUnknown ? [...RETRYABLE_REASONS, 'outcome_unknown'] : RETRYABLE_REASONS;
  const [ix, sends] = await db.batch<{ id: string; unknown?: number }>([
    db
      .prepare(
        `UPDATE interactions SET status = 'received', detail = 'Reprocess requested', retry_at = ?3, outage_since = NULL, waiting_for = NULL, updated_at = ?3
         WHERE installation_id = ?1 AND status = 'failed' AND id IN (SELECT value FROM json_each(?2))
         RETURNING id`,
      )
      .bind(installationId, JSON.stringify(o.interactionIds), o.now),
    // SET expressions read the row as it was: `reason` below is the failure being retried.
    db
      .prepare(
        `UPDATE sends SET status = 'reserved', reason = NULL, retry_at = ?4, outage_since = NULL, updated_at = ?4,
           detail = CASE reason WHEN 'outcome_unknown' THEN 'Retry confirmed although the earlier attempt may have gone out' ELSE 'Retry requested' END
         WHERE installation_id = ?1 AND status = 'failed' AND reason IN (SELECT value FROM json_each(?3)) AND id IN (SELECT value FROM json_each(?2))
         RETURNING id, detail LIKE 'Retry confirmed%' AS unknown`,
      )
      .bind(installationId, JSON.stringify(o.sendIds), JSON.stringify(reasons), o.now),
  ]);
  return {
    interactions: (ix?.results ?? []).map((r) => r.id),
    sends: (sends?.results ?? []).map((r) => ({ id: r.id, unknown: r.unknown === 1 })),
  };
}
