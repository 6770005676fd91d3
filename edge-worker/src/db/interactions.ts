// D1 access for interactions: one per ended conversation or solve, keyed on the ending itself.
//
// The key (README "Guarantees"): every end event Zendesk reports is a row of interaction_events,
// keyed by ticket, event and `moment`, Zendesk's own time of that ending (the ticket's
// `updated_at` to the minute: the trigger body's {{ticket.updated_at_with_timestamp}} and the
// event webhook's detail.updated_at). So:
//  - Zendesk's redeliveries and the trigger + event-webhook copies of one solve have the same key
//    and are one receipt (a duplicate);
//  - a later solve (the ticket was reopened) has a later time: a new interaction, its own SMS;
//  - a conversation's end (chat / messaging) and a solve of the same ticket join one interaction,
//    whichever happened first and whichever arrives first: an end joins the ticket's interaction
//    that has a solve but no end yet (the solve nearest before it, else the nearest after), a solve
//    joins the one that has an end but no solve yet. Zendesk gives a messaging conversation one
//    session, and a new message after it ended starts a new ticket
//    (https://support.zendesk.com/hc/en-us/articles/8009788438042), so a ticket ends at most once.
//  Sends are unique per interaction, rule and recipient, so a rule listening to both events texts
//  a recipient once per conversation. Bursts of separate solves are left to the frequency cap.
// A body without Zendesk's time (a trigger installed before this key existed) gets `r:<receipt ms>`
// and collapses with any receipt of the same ticket and event in the last 60 minutes, as before.
import type { EndEvent } from '../../../shared/schemas/rule.ts';

/** Receipts without Zendesk's time (legacy trigger bodies) of one ticket and event within this window are one. */
export const LEGACY_WINDOW_MS = 60 * 60_000;

export interface InteractionRow {
  id: string;
  installation_id: string;
  ticket_id: string;
  /** The first end event recorded; all of them are in interaction_events. */
  event: EndEvent;
  source: string;
  status: 'received' | 'processing' | 'done' | 'failed';
  detail: string | null;
  attempts: number;
  note_added: number;
  received_at: string;
  received_ms: number;
  updated_at: string;
  /** Bumped when an end event joins: the pipeline finishes only the version it processed. */
  events_version: number;
  /** While it waits out an outage (migration 0007, db/outages.ts): next try due, since when, for whom. */
  retry_at: string | null;
  outage_since: string | null;
  waiting_for: 'zendesk' | 'telnyx' | null;
}

/** Zendesk's time of an ending to the minute (`2026-12-01T10:15Z`), or null when it is not a time. */
export function endMoment(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

export interface Receipt {
  /** New id: of the interaction if this receipt creates one, and of the receipt itself. */
  id: string;
  installationId: string;
  ticketId: string;
  event: EndEvent;
  source: string;
  /** endMoment() of Zendesk's time, or null when the body carried none. */
  moment: string | null;
  nowMs: number;
}

export type ReceiptOutcome = 'created' | 'joined' | 'duplicate';

const OTHER_EVENT: Record<EndEvent, EndEvent> = { ticket_solved: 'conversation_ended', conversation_ended: 'ticket_solved' };

// Parameters shared by the statements of recordReceipt (numbered, so each can use any subset):
// ?1 installation, ?2 ticket, ?3 event, ?4 receipt id, ?5 source, ?6 now ISO, ?7 now ms,
// ?8 moment (or 'r:<ms>'), ?9 start of the legacy window, ?10 the other end event.
/** The receipt's moment: Zendesk's, or for a legacy body the ticket's recent receipt of this event. */
const MOMENT = `(CASE WHEN ?8 LIKE 'r:%'
  THEN COALESCE((SELECT moment FROM interaction_events WHERE installation_id = ?1 AND ticket_id = ?2 AND event = ?3
                 AND received_ms > ?9 ORDER BY received_ms DESC LIMIT 1), ?8)
  ELSE ?8 END)`;
/** The interaction this receipt joins: the ticket's one with the other event and without this one. */
const JOINABLE = `(SELECT i.id FROM interactions i
  JOIN interaction_events o ON o.interaction_id = i.id AND o.event = ?10
  WHERE i.installation_id = ?1 AND i.ticket_id = ?2
    AND NOT EXISTS (SELECT 1 FROM interaction_events s WHERE s.interaction_id = i.id AND s.event = ?3)
  ORDER BY CASE WHEN o.moment <= ${MOMENT} THEN 0 ELSE 1 END, CASE WHEN o.moment <= ${MOMENT} THEN o.moment END DESC, o.moment ASC
  LIMIT 1)`;
const THIS_EVENT = `installation_id = ?1 AND ticket_id = ?2 AND event = ?3 AND moment = ${MOMENT}`;

/**
 * Records a receipt: a duplicate of a known one, an end event joining the interaction of the same
 * conversation, or a new interaction. One D1 batch, i.e. one transaction: two concurrent receipts
 * of one conversation cannot both create an interaction. Returns the interaction and the outcome,
 * or null when the installation is gone (disconnected a moment ago).
 */
export async function recordReceipt(db: D1Database, r: Receipt): Promise<{ interaction: InteractionRow; outcome: ReceiptOutcome } | null> {
  const now = new Date(r.nowMs).toISOString();
  const params = [
    r.installationId, r.ticketId, r.event, r.id, r.source, now, r.nowMs,
    r.moment ?? `r:${r.nowMs}`, r.nowMs - LEGACY_WINDOW_MS, OTHER_EVENT[r.event],
  ];
  // Each statement binds the parameters up to the highest number it uses.
  const statement = (sql: string) => {
    const highest = Math.max(...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
    return db.prepare(sql).bind(...params.slice(0, highest));
  };
  const results = await db.batch([
    statement(
      `INSERT INTO interactions (id, installation_id, ticket_id, event, source, status, received_at, received_ms, updated_at)
       SELECT ?4, ?1, ?2, ?3, ?5, 'received', ?6, ?7, ?6
       WHERE NOT EXISTS (SELECT 1 FROM interaction_events WHERE ${THIS_EVENT}) AND ${JOINABLE} IS NULL
         AND EXISTS (SELECT 1 FROM installations WHERE id = ?1)`,
    ),
    statement(
      `INSERT OR IGNORE INTO interaction_events (installation_id, ticket_id, event, moment, interaction_id, receipt_id, source, received_ms)
       SELECT ?1, ?2, ?3, ${MOMENT}, COALESCE(${JOINABLE}, ?4), ?4, ?5, ?7
       WHERE EXISTS (SELECT 1 FROM interactions WHERE id = COALESCE(${JOINABLE}, ?4))`,
    ),
    statement(
      `UPDATE interactions SET events_version = events_version + 1, updated_at = ?6,
         status = CASE WHEN status IN ('done', 'failed') THEN 'received' ELSE status END
       WHERE id = (SELECT interaction_id FROM interaction_events WHERE ${THIS_EVENT} AND receipt_id = ?4) AND id != ?4`,
    ),
    statement(
      `SELECT i.*, e.receipt_id AS receipt_id FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id
       WHERE e.installation_id = ?1 AND e.ticket_id = ?2 AND e.event = ?3 AND e.moment = ${MOMENT}`,
    ),
  ]);
  const row = (results[3]?.results as Array<InteractionRow & { receipt_id: string }> | undefined)?.[0];
  if (!row) return null;
  const { receipt_id: receiptId, ...interaction } = row;
  const outcome: ReceiptOutcome = receiptId !== r.id ? 'duplicate' : interaction.id === r.id ? 'created' : 'joined';
  return { interaction, outcome };
}

/** The end events recorded for an interaction, oldest receipt first. */
export async function listInteractionEvents(db: D1Database, interactionId: string): Promise<EndEvent[]> {
  const { results } = await db
    .prepare('SELECT event, MIN(received_ms) AS first_ms FROM interaction_events WHERE interaction_id = ? GROUP BY event ORDER BY first_ms')
    .bind(interactionId)
    .all<{ event: EndEvent }>();
  return results.map((r) => r.event);
}

/**
 * Marks the interaction done, unless an end event joined it since `version` was read: then it
 * goes back to received (the joining receipt enqueued a job that processes it again) and false
 * is returned.
 */
export async function finishInteraction(
  db: D1Database,
  id: string,
  version: number,
  status: 'done' | 'failed',
  detail: string,
  now: string,
): Promise<boolean> {
  const [finished] = await db.batch([
    db
      // Finished: no longer waiting for anything (db/outages.ts).
      .prepare(
        'UPDATE interactions SET status = ?, detail = ?, updated_at = ?, retry_at = NULL, outage_since = NULL, waiting_for = NULL WHERE id = ? AND events_version = ?',
      )
      .bind(status, detail, now, id, version),
    db
      .prepare("UPDATE interactions SET status = 'received', updated_at = ? WHERE id = ? AND events_version != ? AND status = 'processing'")
      .bind(now, id, version),
  ]);
  return (finished?.meta.changes ?? 0) > 0;
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
