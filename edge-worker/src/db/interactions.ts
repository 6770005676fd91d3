// D1 access for interactions: one per ended ticket / conversation, deduplicated on receipt.
import type { EndEvent } from '../../../shared/schemas/rule.ts';

/** Receipts of the same ticket and end event within this window are one interaction. */
export const DUPLICATE_WINDOW_MS = 60 * 60_000;

export interface InteractionRow {
  id: string;
  installation_id: string;
  ticket_id: string;
  event: EndEvent;
  source: string;
  status: 'received' | 'processing' | 'done' | 'failed';
  detail: string | null;
  attempts: number;
  note_added: number;
  received_at: string;
  received_ms: number;
  updated_at: string;
}

/**
 * Records a receipt unless the same ticket and event arrived within the duplicate window.
 * One statement in the common case: D1 runs statements one at a time, so two concurrent
 * deliveries cannot both insert. Only a duplicate costs a second statement, to read the
 * interaction it belongs to. Returns the interaction (new or existing) and whether this call
 * created it.
 */
export async function recordReceipt(
  db: D1Database,
  r: { id: string; installationId: string; ticketId: string; event: EndEvent; source: string; nowMs: number },
): Promise<{ interaction: InteractionRow; created: boolean }> {
  const now = new Date(r.nowMs).toISOString();
  const windowStart = r.nowMs - DUPLICATE_WINDOW_MS;
  const inserted = await db
    .prepare(
      `INSERT INTO interactions (id, installation_id, ticket_id, event, source, status, received_at, received_ms, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, 'received', ?6, ?7, ?6
       WHERE NOT EXISTS (SELECT 1 FROM interactions WHERE installation_id = ?2 AND ticket_id = ?3 AND event = ?4 AND received_ms > ?8)
       RETURNING *`,
    )
    .bind(r.id, r.installationId, r.ticketId, r.event, r.source, now, r.nowMs, windowStart)
    .first<InteractionRow>();
  if (inserted) return { interaction: inserted, created: true };
  const existing = await db
    .prepare(
      `SELECT * FROM interactions WHERE installation_id = ? AND ticket_id = ? AND event = ? AND received_ms > ?
       ORDER BY received_ms DESC LIMIT 1`,
    )
    .bind(r.installationId, r.ticketId, r.event, windowStart)
    .first<InteractionRow>();
  if (!existing) throw new Error('interaction missing after receipt');
  return { interaction: existing, created: false };
}

export function setInteractionStatusStatement(
  db: D1Database,
  id: string,
  status: InteractionRow['status'],
  detail: string | null,
  now: string,
): D1PreparedStatement {
  return db
    .prepare('UPDATE interactions SET status = ?, detail = ?, updated_at = ? WHERE id = ?')
    .bind(status, detail, now, id);
}

/** Marks the interaction as being processed and returns it; null when done already or unknown. */
export async function claimInteraction(db: D1Database, id: string, now: string): Promise<InteractionRow | null> {
  return db
    .prepare("UPDATE interactions SET status = 'processing', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status != 'done' RETURNING *")
    .bind(now, id)
    .first<InteractionRow>();
}

/** True for exactly one caller: the one that gets to write the internal note. */
export async function claimNote(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare('UPDATE interactions SET note_added = 1 WHERE id = ? AND note_added = 0').bind(id).run();
  return res.meta.changes > 0;
}

export async function listInteractionsForTicket(db: D1Database, installationId: string, ticketId: string): Promise<InteractionRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM interactions WHERE installation_id = ? AND ticket_id = ? ORDER BY received_ms DESC LIMIT 50')
    .bind(installationId, ticketId)
    .all<InteractionRow>();
  return results;
}
